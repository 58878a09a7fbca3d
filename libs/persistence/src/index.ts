export { RedisModule, REDIS, RedisKeys } from './redis.module';
