# syntax=docker/dockerfile:1
# Image for provision-topics: the one-shot CLI that creates the product's Kafka topics
# (idempotent; exits 0 when they exist). Used by compose and the Kubernetes Job; no HTTP port.
# Stage 1 builds it with Nx; stage 2 runs dist/tools/provision-topics/main.js on a slim Node image
# with only the production dependencies listed in the package.json the build generates.
# Build from the repo root:  docker build -f docker/provision-topics.Dockerfile -t task-sync/provision-topics .
# Settings: KAFKA_BROKERS, KAFKA_TOPIC_PARTITIONS, KAFKA_REPLICATION_FACTOR
# (tools/provision-topics/src/provision.config.ts).

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /repo
ENV NX_DAEMON=false NX_NO_CLOUD=true CI=true
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY . .
RUN npx nx build provision-topics --skip-nx-cache

FROM ${NODE_IMAGE}
WORKDIR /app
COPY --from=build /repo/dist/tools/provision-topics/ ./
# --ignore-scripts: no production dependency here needs an install script.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
ENV NODE_ENV=production
# 1000 is the image's `node` user; numeric so Kubernetes runAsNonRoot can verify it.
USER 1000:1000
# A run-to-completion job: nothing to probe.
HEALTHCHECK NONE
STOPSIGNAL SIGTERM
CMD ["node", "main.js"]
