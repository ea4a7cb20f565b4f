-- The article warehouse lives next to Airflow's metadata DB, always in UTF-8.
-- Its tables are not created here: Alembic owns the schema. The DAG's first task upgrades it,
-- or run `article-etl db upgrade` (with ARTICLE_ETL_WAREHOUSE_URL) before the first run.
CREATE DATABASE warehouse ENCODING 'UTF8' TEMPLATE template0;
