import { installPgTypeParsers } from '../../src/db/pg-types';

installPgTypeParsers();
