#!/bin/sh
# One image, every process: the first argument names which. The bridge and the worker apply pending
# migrations themselves at start, under a Postgres advisory lock, so replicas starting together run
# them once. They run with the node flags of `npm start` (see the README's Quick start for why).
set -e
NODE_FLAGS="--max-semi-space-size=32 --no-allocation-site-pretenuring"
command="${1:-bridge}"
[ "$#" -gt 0 ] && shift
case "$command" in
  bridge)            exec node $NODE_FLAGS dist/apps/bridge/src/main.js "$@" ;;
  worker)            exec node $NODE_FLAGS dist/apps/worker/src/main.js "$@" ;;
  migrate)           exec node -e "require('./dist/libs/persistence/src').runMigrations(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/agent_bridge').then(r => console.log(r.applied.length ? 'applied ' + r.applied.join(', ') : 'schema up to date'), e => { console.error(e.message); process.exit(1); })" ;;
  create-admin)      exec node dist/apps/bridge/src/cli/create-agent.js "$@" ;;
  livechat-webhooks) exec node dist/apps/bridge/src/cli/register-livechat-webhooks.js "$@" ;;
  chatwoot-setup)    exec node dist/apps/bridge/src/cli/setup-chatwoot-webhook.js "$@" ;;
  platform-sandbox)  exec node dist/apps/platform-sim/src/main.js "$@" ;;
  livechat-sandbox)  exec node dist/apps/livechat-sim/src/main.js "$@" ;;
  chatwoot-sandbox)  exec node dist/apps/chatwoot-sim/src/main.js "$@" ;;
  *)                 exec "$command" "$@" ;;
esac
