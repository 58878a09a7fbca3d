import { consoleRoleGuard, SignedInAccount } from '../auth/console-role.guard';

/** Any signed-in console account. */
export const ConsoleAgentGuard = consoleRoleGuard(() => true, 'Sign in to the console first');

export const SignedInAgent = SignedInAccount;
