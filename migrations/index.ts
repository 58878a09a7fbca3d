import { HandoffSchema1763700000000 } from './1763700000000-handoff-schema';

// Migrations in the order they apply. Each file is one class with a real `down`.
export const MIGRATIONS: Function[] = [HandoffSchema1763700000000];
