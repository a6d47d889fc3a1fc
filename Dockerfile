# One image for every Parley process; compose picks the command.
# GPU workers: build with --build-arg ONNXRUNTIME_NODE_INSTALL=cuda12 (needs network to NuGet at build time).
FROM node:20-bookworm-slim AS build
WORKDIR /app
ARG ONNXRUNTIME_NODE_INSTALL=skip
ENV ONNXRUNTIME_NODE_INSTALL=${ONNXRUNTIME_NODE_INSTALL}
COPY package.json package-lock.json .npmrc tsconfig.base.json tsconfig.json ./
COPY packages/jobs/package.json packages/jobs/
COPY packages/prompts/package.json packages/prompts/
COPY packages/engine/package.json packages/engine/
COPY packages/tiny-models/package.json packages/tiny-models/
COPY packages/service-kit/package.json packages/service-kit/
COPY apps/bot/package.json apps/bot/
COPY apps/worker/package.json apps/worker/
COPY apps/demo/package.json apps/demo/
RUN npm ci --no-audit --no-fund
COPY packages packages
COPY apps apps
RUN npx tsc -b packages/jobs packages/prompts packages/engine packages/tiny-models packages/service-kit apps/bot apps/worker apps/demo \
 && npm prune --omit=dev

# GPU worker (docker compose --profile gpu): built with ONNXRUNTIME_NODE_INSTALL=cuda12, run on
# NVIDIA's CUDA 12 + cuDNN 9 runtime, which onnxruntime-node 1.30's CUDA provider loads.
FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 AS worker-gpu
COPY --from=node:20-bookworm-slim /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
ENV NODE_ENV=production ORT_EXECUTION_PROVIDER=cuda
COPY --from=build /app /app
USER ubuntu
CMD ["node", "apps/worker/dist/main.js"]

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app /app
USER node
CMD ["node", "apps/worker/dist/main.js"]
