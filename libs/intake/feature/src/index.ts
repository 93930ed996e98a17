export * from './body-parsing';
export * from './intake.module';
export * from './intake.types';
export * from './raw-publisher.service';
export * from './webhook-intake.service';
export * from './webhook-routes';
export * from './webhook-fast-path';
