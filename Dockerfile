# The image every Airflow service of docker-compose.yaml runs (and the one to give Airflow's Helm
# chart): Airflow's own image of the pinned version, our lock, our package, DAGs and plugins baked
# in for production (compose mounts dags/, plugins/ and include/ over them for development).
#
#   docker build -t article-etl:latest .
#
# The slim variant carries Airflow core only; everything else we need (the Celery, SMTP and
# standard providers among them) is pinned in requirements.txt, so the full image's extra
# providers would only be weight.
ARG AIRFLOW_VERSION=3.3.2
ARG PYTHON_VERSION=3.11
FROM apache/airflow:slim-${AIRFLOW_VERSION}-python${PYTHON_VERSION}

# Directories the compose volumes mount: owned by airflow and group 0, group-writable, so a
# container started with another AIRFLOW_UID (always group 0, as in Airflow's own compose file)
# can write them too. Named volumes copy this ownership when they are first created.
USER root
RUN mkdir -p /opt/airflow/data /opt/airflow/auth /opt/airflow/include /opt/airflow/docker \
    && chown -R airflow:0 /opt/airflow/data /opt/airflow/auth /opt/airflow/include /opt/airflow/docker \
    && chmod -R g+rwX /opt/airflow/data /opt/airflow/auth
USER airflow

# The lock first: this layer is rebuilt only when requirements.txt changes. apache-airflow is
# pinned in it to the image's version, so installing it cannot move Airflow.
COPY --chown=airflow:0 requirements.txt /tmp/article-etl/requirements.txt
RUN pip install --no-cache-dir -r /tmp/article-etl/requirements.txt

# Our package (not editable: the image must not depend on a source tree), then the DAGs, plugins,
# sources file and demo content where Airflow and ARTICLE_ETL_SOURCES look for them.
COPY --chown=airflow:0 pyproject.toml README.md /tmp/article-etl/
COPY --chown=airflow:0 include /tmp/article-etl/include
RUN pip install --no-cache-dir --no-deps /tmp/article-etl && rm -rf /tmp/article-etl
COPY --chown=airflow:0 include /opt/airflow/include
COPY --chown=airflow:0 dags /opt/airflow/dags
COPY --chown=airflow:0 plugins /opt/airflow/plugins
COPY --chown=airflow:0 docker/airflow-init.sh /opt/airflow/docker/airflow-init.sh

ENV ARTICLE_ETL_HOME=/opt/airflow/data \
    ARTICLE_ETL_SOURCES=/opt/airflow/include/sources.yaml \
    AIRFLOW__CORE__LOAD_EXAMPLES=false
