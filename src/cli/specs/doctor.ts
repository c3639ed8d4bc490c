import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check git, the repository, config, the plan folder and every configured agent CLI')
    .option('--json', 'print JSON')
    .action(lazy(() => import('../commands/doctor.js'), 'doctor'));
}
