# syntax=docker/dockerfile:1
#
# parcelguard as a container image: one static binary on a distroless base,
# running as a non-root user.
#
#   docker build -t parcelguard .
#   docker run --rm -p 8080:8080 -v "$PWD/config.yaml:/etc/parcelguard/config.yaml:ro" parcelguard
#
# The image holds no configuration: mount one at /etc/parcelguard/config.yaml
# (deploy/compose/config.yaml, deploy/kubernetes/configmap.yaml). In a
# container, set http.addr to 0.0.0.0:8080 (the default listens on loopback
# only) and spool.dir to a volume, e.g. /var/lib/parcelguard/spool.
#
# No HEALTHCHECK: the image has no shell and no HTTP client. Probe
# GET /healthz (liveness) and GET /readyz (readiness) from the orchestrator.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/parcelguard ./cmd/parcelguard
# The spool's parent, owned by the runtime user: a named volume mounted here
# starts with this ownership, so the engine can write its spool.
RUN mkdir -p /out/var/lib/parcelguard/spool

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/parcelguard /usr/local/bin/parcelguard
COPY --from=build --chown=65532:65532 /out/var/lib/parcelguard /var/lib/parcelguard
USER 65532:65532
WORKDIR /var/lib/parcelguard
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/parcelguard"]
CMD ["run", "-config", "/etc/parcelguard/config.yaml"]
