import { consoleRoleGuard, SignedInAccount } from '../auth/console-role.guard';
import { isSupervisor } from './supervisor-actions.service';

/** Supervisors and admins. */
export const ConsoleSupervisorGuard = consoleRoleGuard(isSupervisor, 'Only supervisors and admins may do this');

/** The signed-in supervisor or admin, set by ConsoleSupervisorGuard. */
export const SignedInSupervisor = SignedInAccount;
