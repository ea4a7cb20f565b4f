# The image every Airflow service of docker-compose.yaml runs: our lock plus the package.
FROM python:3.11-slim
ENV PIP_NO_CACHE_DIR=1 PYTHONUNBUFFERED=1 AIRFLOW_HOME=/opt/airflow
WORKDIR /opt/article-etl
COPY requirements.txt pyproject.toml README.md ./
RUN pip install uv && uv pip install --system -r requirements.txt
COPY include ./include
COPY dags ./dags
COPY plugins ./plugins
RUN uv pip install --system --no-deps -e .
