/** Writes docs/permissions.md from the policy source (a test fails when it is stale). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { permissionsDocument } from '../src/permissions/document';

writeFileSync(path.resolve(__dirname, '../../docs/permissions.md'), permissionsDocument());
process.stdout.write('docs/permissions.md written\n');
