export { WorkersModule } from './workers.module';
