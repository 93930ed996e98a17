# One image for every wahooks deployable (apps/*), the tools (dist/tools/*) and
# the migrations, built from this repository alone. The command picks what runs:
#   node dist/apps/<app>/src/main.js        intake (default), status-projector, fallback-trigger,
#                                           template-monitor, inbound-reply
#   node dist/apps/<app>/src/rebuild.js     a projection rebuild
#   node dist/tools/kafka-admin/src/main.js create-topics
#   node dist/tools/db-admin/src/main.js ensure-roles | grant   the database roles and their grants
#   node dist/tools/tenant-cli/src/main.js  the tenant CLI
#   npx --no prisma migrate deploy          the migrations (prisma/migrations)
#
#   docker buildx build --platform linux/amd64,linux/arm64 -t <registry>/wahooks/app:<tag> --push .
#   docker build -t wahooks/app:local .     (this machine's architecture only)
#
# Needs BuildKit (buildx, or any Docker >= 23). Stages:
#   build      compiles dist/ on the builder's own platform (swc output is plain JS)
#   prod-deps  production node_modules for the target platform, resolved from the lockfile
#   runtime    the image: node_modules + dist + prisma/, non-root, no build tooling (last, default)
#
# Base image: the official Node.js image (Docker Official Images, docker.io/library/node),
# Node 24.21.0 (the version scripts/lib/node.sh pins for development) on Debian 12
# bookworm-slim, pinned by the digest of its multi-architecture OCI image index
# (linux/amd64, linux/arm64/v8, linux/ppc64le): the same line builds every architecture,
# and a re-pushed tag cannot change what is built.
# Digest source: github.com/docker-library/repo-info, repos/node/remote/24.21.0-bookworm-slim.md
# at commit 3179cb4d576b9929bf86873c87f279ac67661c6e (index of 2026-09-19, Debian snapshot
# 2026-09-18; MIME application/vnd.oci.image.index.v1+json).
# To bump: `docker buildx imagetools inspect node:24-bookworm-slim` (or an exact 24.x.y tag)
# prints the index digest on its "Digest:" line (use that one, not a per-platform
# manifest); put the tag and the digest in all three FROM lines and the base.* labels
# below, and keep WAHOOKS_NODE_VERSION in scripts/lib/node.sh at the same version.
# tools/kafka-admin/src/dockerfile.spec.ts checks all of this.

# ---------------------------------------------------------------- build
# Runs on the builder's platform ($BUILDPLATFORM): dist/ and the generated Prisma client are
# architecture-neutral JavaScript, so a cross-build runs swc natively instead of emulated.
FROM --platform=$BUILDPLATFORM node:24.21.0-bookworm-slim@sha256:0e0ff40c39bc087845bfb27465a0df4ea419520094bc35842ff83dd8cbe6f9b6 AS build
WORKDIR /app
ENV CI=true \
    NPM_CONFIG_AUDIT=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    CHECKPOINT_DISABLE=1 \
    PATH=/app/node_modules/.bin:$PATH

# Dependencies first: this layer is reused until the lockfile changes.
# `npm ci` (strict: fails if package.json and the lockfile disagree, never rewrites the
# lockfile). scripts/lib/node.sh uses `npm install` because npm 11 can write lockfiles
# without other platforms' optional packages and then refuses them in `npm ci`; the
# committed lockfile holds every platform's @swc/core-*, @node-rs/crc32-* ... entries
# (dockerfile.spec.ts checks linux x64 and arm64 gnu), so `npm ci` works here and a
# lockfile that lost them fails the build loudly instead of installing something else.
# --ignore-scripts: no dependency needs its install script (swc, nx and crc32 ship their
# binaries as per-platform optional packages; Prisma runs on its JS engine, so the engine
# download of @prisma/engines' postinstall is not wanted), and it overrides npm's
# allowScripts approval policy, which the repository leaves unconfigured: the result does
# not depend on which npm the base image ships.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts

# Only what the build reads (.dockerignore keeps the rest out of the context).
COPY .swcrc prisma.config.ts ./
COPY prisma ./prisma
COPY apps ./apps
COPY libs ./libs
COPY tools ./tools
# What scripts/build.sh does, without its Node download (ensure_node): the image's own
# node is Node 24. The Prisma client is generated as TypeScript into
# libs/shared/prisma/src/generated (prisma/schema.prisma), so it precedes swc; generate
# needs no database and no engine binary (engine "js", generator engineType "client").
RUN DATABASE_URL=postgresql://localhost/unused prisma generate
RUN swc apps libs tools $( [ -d bench ] && echo bench ) -d dist --quiet --ignore '**/*.spec.ts' --ignore '**/*.int-spec.ts' \
 && test -f dist/apps/intake/src/main.js \
 && test -f dist/tools/kafka-admin/src/main.js \
 && test -f dist/libs/shared/prisma/src/generated/client.js

# ---------------------------------------------------------------- prod-deps
# Production dependencies only (--omit=dev), installed for the TARGET architecture: npm
# picks the optional per-platform packages (@node-rs/crc32-linux-arm64-gnu, ...) by
# --os/--cpu/--libc, so this also runs natively and no stage of a cross-build needs emulation.
# The prisma CLI stays: it is an optional peer dependency of @prisma/client, which npm
# marks devOptional and keeps under --omit=dev; `migrate deploy` runs from this image.
FROM --platform=$BUILDPLATFORM node:24.21.0-bookworm-slim@sha256:0e0ff40c39bc087845bfb27465a0df4ea419520094bc35842ff83dd8cbe6f9b6 AS prod-deps
ARG TARGETARCH
WORKDIR /app
ENV CI=true \
    NPM_CONFIG_AUDIT=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    case "${TARGETARCH:-$(dpkg --print-architecture)}" in \
      amd64) cpu=x64 ;; \
      arm64) cpu=arm64 ;; \
      *) echo "unsupported architecture ${TARGETARCH}" >&2; exit 1 ;; \
    esac \
 && npm ci --omit=dev --ignore-scripts --os=linux --cpu="$cpu" --libc=glibc \
 && node -e "for (const m of ['prisma/package.json', '@prisma/client/package.json', '@prisma/adapter-pg', 'kafkajs', '@platformatic/kafka', '@node-rs/crc32-linux-$cpu-gnu/package.json']) require.resolve(m)" \
 && ! test -e node_modules/@swc/core \
 && ! test -e node_modules/jest

# ---------------------------------------------------------------- runtime
FROM node:24.21.0-bookworm-slim@sha256:0e0ff40c39bc087845bfb27465a0df4ea419520094bc35842ff83dd8cbe6f9b6 AS runtime
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="wahooks" \
      org.opencontainers.image.description="Multi-tenant, event-sourced pipeline for WhatsApp Business Platform webhooks: every app, tool and the migrations; the command picks what runs" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.vendor="wahooks" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="docker.io/library/node:24.21.0-bookworm-slim" \
      org.opencontainers.image.base.digest="sha256:0e0ff40c39bc087845bfb27465a0df4ea419520094bc35842ff83dd8cbe6f9b6"
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1
WORKDIR /app
# Everything is owned by root and read-only for the app user: the container runs with a
# read-only root filesystem (only /tmp, and inbound-reply's media volume, are writable).
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# package.json lets npx find node_modules/.bin; prisma/ and prisma.config.ts serve
# `npx --no prisma migrate deploy` (schema, migrations, the pg driver adapter).
COPY package.json prisma.config.ts ./
COPY prisma ./prisma

# The base image's `node` user, numerically, so Kubernetes can enforce runAsNonRoot.
USER 1000:1000
EXPOSE 3000
CMD ["node", "dist/apps/intake/src/main.js"]
