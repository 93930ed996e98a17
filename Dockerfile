# syntax=docker/dockerfile:1
# One image for every wahooks deployable (apps/*), the topic tool and the
# migrations. The command picks what runs:
#   node dist/apps/intake/src/main.js                            (default)
#   node dist/tools/kafka-admin/src/main.js create-topics
#   npx --no prisma migrate deploy
#
#   docker build -t wahooks/app:local .

ARG NODE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------- build
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV CI=true \
    NPM_CONFIG_AUDIT=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    CHECKPOINT_DISABLE=1

# Dependencies first: this layer is reused until the lockfile changes.
# --ignore-scripts: nothing here needs an install script (Prisma runs on its JS
# engine, no downloaded binaries), and newer npm releases skip them anyway, so
# the image is the same whichever npm the base image ships.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts

COPY . .
# The Prisma client is generated into libs/shared/prisma/src/generated (TypeScript),
# so it must exist before swc compiles; generate needs no database.
RUN DATABASE_URL=postgresql://build.invalid/unused npx --no prisma generate
RUN npm run build
# Drop dev dependencies. The prisma CLI stays: it is a peer dependency of
# @prisma/client, and `migrate deploy` runs from this image.
RUN npm prune --omit=dev --ignore-scripts \
 && node -e "for (const m of ['prisma/package.json', '@prisma/client', '@prisma/adapter-pg', 'kafkajs', '@platformatic/kafka']) require.resolve(m)" \
 && test -f dist/apps/intake/src/main.js \
 && test -f dist/tools/kafka-admin/src/main.js

# ---------------------------------------------------------------- runtime
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1
WORKDIR /app
# Everything is owned by root and read-only for the app user: the container
# runs fine with a read-only root filesystem (only /tmp needs to be writable).
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/prisma.config.ts ./prisma.config.ts

# Numeric uid/gid of the image's `node` user, so Kubernetes can enforce runAsNonRoot.
USER 1000:1000
EXPOSE 3000
CMD ["node", "dist/apps/intake/src/main.js"]
