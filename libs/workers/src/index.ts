export { WorkersModule } from './workers.module';
export { LanesModule } from './lanes.module';
