// Migrations in the order they apply. Each file is one class with a real `down`.
export const MIGRATIONS: Function[] = [];
