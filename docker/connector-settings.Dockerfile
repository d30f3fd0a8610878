# syntax=docker/dockerfile:1
# Image for the connector-settings service (HTTP on port 3000: /health/live, /health/ready, /metrics).
# Stage 1 builds it with Nx; stage 2 runs dist/apps/connector-settings/main.js on a slim Node image with only
# the production dependencies listed in the package.json / package-lock.json the build generates.
# Build from the repo root:  docker build -f docker/connector-settings.Dockerfile -t task-sync/connector-settings .
# Every setting is an environment variable: see apps/connector-settings/src/app/connector-settings.config.ts.

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /repo
ENV NX_DAEMON=false NX_NO_CLOUD=true CI=true
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY . .
RUN npx nx build connector-settings --skip-nx-cache

FROM ${NODE_IMAGE}
WORKDIR /app
COPY --from=build /repo/dist/apps/connector-settings/ ./
# --ignore-scripts: the only install script among them is @nestjs/core's opencollective banner.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
# The code is root-owned and read-only to the app; nothing is written at run time, so a
# read-only root filesystem works. HTTP_HOST must be 0.0.0.0 for the port to be reachable.
ENV NODE_ENV=production HTTP_HOST=0.0.0.0 HTTP_PORT=3000
# 1000 is the image's `node` user; numeric so Kubernetes runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM starts the graceful drain (bounded by SHUTDOWN_TIMEOUT_MS, default 25 s).
STOPSIGNAL SIGTERM
CMD ["node", "main.js"]
