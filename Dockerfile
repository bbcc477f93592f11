# The toolproof service image (`toolproof serve`), built offline: `make service-image`.
#
# BASE is the debootstrap base that images/build-base.sh builds with no registry (Debian
# bookworm's python3, 3.11); users who can reach a registry may pass
# --build-arg BASE=python:3.11-slim. The build context's wheels/ holds toolproof's wheel
# and every dependency's, made on the host by `pip wheel`, so the build needs no network.
# State (the SQLite store, uploads, the bundle cache) lives in the volume /var/lib/toolproof;
# point TOOLPROOF_DATABASE_URL at PostgreSQL to share jobs between replicas.
# EXTRAS: the extras installed with toolproof; a Ray cluster's image takes postgres,ray.
ARG BASE=toolproof-sandbox-base:bookworm

FROM ${BASE} AS build
ARG EXTRAS=postgres
COPY wheels/ /wheels/
RUN python3 "$(ls /wheels/pip-*.whl)/pip" install --no-index --no-cache-dir --no-compile \
      --find-links /wheels --target /opt/toolproof/site "toolproof[${EXTRAS}]" \
 && python3 -m compileall -q /opt/toolproof/site

FROM ${BASE}
COPY --from=build /opt/toolproof/site /opt/toolproof/site
ENV PYTHONPATH=/opt/toolproof/site \
    PATH=/opt/toolproof/site/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    TOOLPROOF_HOME=/var/lib/toolproof
RUN mkdir -p /var/lib/toolproof && chown 65534:65534 /var/lib/toolproof
VOLUME /var/lib/toolproof
USER 65534:65534
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s \
  CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"]
ENTRYPOINT ["python3", "-m", "toolproof"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
