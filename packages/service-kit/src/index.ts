export { ConfigError, parseEnv } from './config-error.js';
export { createLogger, type Logger } from './logger.js';
export { assertRedisReachable, connectRedis, redactUrl, redisOptions, type RoleOptions } from './redis.js';
export { onShutdown } from './shutdown.js';
export { exitOnStartupFailure } from './startup.js';
export { startOpsServer, type OpsHandlers, type OpsServer, type OpsServerOptions } from './ops-server.js';
