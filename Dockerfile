# One image for every Parley process; compose picks the command.
# CPU (default target `runtime`): .npmrc skips onnxruntime-node's CUDA download.
# GPU (target `runtime-gpu`): --build-arg ONNXRUNTIME_NODE_INSTALL=cuda12 (needs network to NuGet at build time).
FROM node:20-bookworm-slim AS build
WORKDIR /app
ARG ONNXRUNTIME_NODE_INSTALL=skip
# The environment wins over .npmrc's onnxruntime-node-install=skip in onnxruntime-node's installer.
ENV ONNXRUNTIME_NODE_INSTALL=${ONNXRUNTIME_NODE_INSTALL}
COPY package.json package-lock.json .npmrc tsconfig.base.json tsconfig.json ./
COPY packages/errors/package.json packages/errors/
COPY packages/jobs/package.json packages/jobs/
COPY packages/settings/package.json packages/settings/
COPY packages/retrieval/package.json packages/retrieval/
COPY packages/prompts/package.json packages/prompts/
COPY packages/engine/package.json packages/engine/
COPY packages/tiny-models/package.json packages/tiny-models/
COPY packages/service-kit/package.json packages/service-kit/
COPY packages/models/package.json packages/models/
COPY apps/bot/package.json apps/bot/
COPY apps/worker/package.json apps/worker/
COPY apps/demo/package.json apps/demo/
# An npm that leaves install scripts unrun must not leave a CUDA image without its provider.
RUN npm ci --no-audit --no-fund \
 && if [ "$ONNXRUNTIME_NODE_INSTALL" != skip ] && [ ! -e node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so ]; then \
      node node_modules/onnxruntime-node/script/install.js; \
    fi
COPY packages packages
COPY apps apps
RUN npx tsc -b packages/jobs packages/settings packages/prompts packages/engine packages/tiny-models packages/service-kit apps/bot apps/worker apps/demo \
 && npm prune --omit=dev

# GPU workers: the CUDA EP needs CUDA 12 and cuDNN 9 user-space libraries; the host provides the driver.
FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04 AS runtime-gpu
COPY --from=build /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
ENV NODE_ENV=production ORT_EXECUTION_PROVIDER=cuda
COPY --from=build /app /app
# /models is where compose mounts the host's ./models (read-only); the image holds no model.
RUN useradd --uid 10001 --create-home parley && mkdir /models
USER parley
CMD ["node", "apps/worker/dist/main.js"]

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app /app
RUN mkdir /models
USER node
CMD ["node", "apps/worker/dist/main.js"]
