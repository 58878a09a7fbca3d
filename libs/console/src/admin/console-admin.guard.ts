import { consoleRoleGuard, SignedInAccount } from '../auth/console-role.guard';

export const ConsoleAdminGuard = consoleRoleGuard((agent) => agent.role === 'admin', 'Only admins may do this');

/** The signed-in admin, set by ConsoleAdminGuard. */
export const SignedInAdmin = SignedInAccount;
