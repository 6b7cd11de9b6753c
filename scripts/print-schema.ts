/** Writes the schema as the code builds it to schema.graphql (a test fails when they differ). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { printKluisSchema } from '../src/schema/build-schema';

writeFileSync(path.resolve(__dirname, '../../schema.graphql'), printKluisSchema());
process.stdout.write('schema.graphql written\n');
