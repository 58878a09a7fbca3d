# syntax=docker/dockerfile:1
# One image for every process: `bridge` (default), `worker`, `migrate`, `create-admin`,
# `livechat-webhooks`, `chatwoot-setup`, and the sandboxes (`platform-sandbox`, `livechat-sandbox`,
# `chatwoot-sandbox`); see deploy/docker/entrypoint.sh. NODE_IMAGE lets an offline build use a base
# image of its own (any Debian-based image with Node 20.19 or newer and a `node` user).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY tools/build.js tools/
COPY migrations migrations
COPY libs libs
COPY apps apps
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only to the process: it writes nothing to its own files.
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
COPY deploy/docker/entrypoint.sh deploy/docker/healthcheck.js deploy/docker/
USER node
EXPOSE 3000
# Start period: a first start applies every migration and catches up open desk chats before listening.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["node", "deploy/docker/healthcheck.js"]
# Graceful stop: SIGTERM, then up to STOP_TIMEOUT_SECONDS (25 s by default) to finish running work;
# give the engine longer than that (compose: stop_grace_period; Kubernetes: terminationGracePeriodSeconds).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/bin/sh", "deploy/docker/entrypoint.sh"]
CMD ["bridge"]
