-- The article warehouse lives next to Airflow's metadata DB, always in UTF-8.
CREATE DATABASE warehouse ENCODING 'UTF8' TEMPLATE template0;
