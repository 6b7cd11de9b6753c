import { randomUUID } from 'node:crypto';
import { batchFrom, batchMac, batchOf, DecisionRecord, eventsMac, eventsOfBatch as eventsOf } from '../../src/audit/access-log';
import type { AuthenticatedViewer } from '../../src/auth/viewer';
import { StaffRole } from '../../src/entities/enums';
import type { Grant } from '../../src/permissions/decide';

const KEY = Buffer.alloc(32, 7);
const careWorker: AuthenticatedViewer = { kind: 'staff', sub: 'cw-1', organisationId: randomUUID(), role: StaffRole.CARE_WORKER, clientApp: 'portal' };
const grant = (relationship: Grant['relationship'], basisId: string | null = null): Grant => ({ relationship, basisId, categories: null, expiresAt: null });

function aRecord(fields: Partial<Omit<DecisionRecord, 'granted' | 'denied' | 'pseudonymised' | 'written'>> & { granted?: string[]; denied?: string[]; pseudonymised?: string[]; written?: string[] } = {}): DecisionRecord {
  return {
    dossierId: fields.dossierId === undefined ? randomUUID() : fields.dossierId,
    subjectId: fields.subjectId === undefined ? randomUUID() : fields.subjectId,
    action: fields.action ?? 'READ',
    grants: fields.grants ?? [grant('care_worker')],
    granted: new Set(fields.granted ?? ['Person.firstName', 'Dossier.status', 'Person.bsn']),
    denied: new Set(fields.denied ?? []),
    pseudonymised: new Set(fields.pseudonymised ?? []),
    written: new Set(fields.written ?? []),
    flushed: fields.flushed ?? false,
  };
}


const meta = (operationName: string | null = 'Caseload') => ({ requestId: randomUUID(), operationName, sourceAddress: '10.1.2.3' });

describe('access log: a request’s batch of events (SPEC §6)', () => {
  describe('batchFrom', () => {
    it('should give 200 dossiers read alike one shape, even when their fields were met in another order', () => {
      const records = Array.from({ length: 200 }, (_, i) => aRecord({ granted: i % 2 ? ['Person.bsn', 'Person.firstName', 'Dossier.status'] : undefined }));
      const batch = batchFrom(records, careWorker, meta())!;
      expect(batch.shapes).toHaveLength(1);
      expect(batch.shapes[0].granted_fields).toEqual(['Dossier.status', 'Person.bsn', 'Person.firstName']);
      expect(batch.dossierIds).toEqual(records.map((r) => r.dossierId));
      expect(batch.shapeOf).toEqual(records.map(() => 0));
    });

    it('should give every differently decided dossier its own shape, and keep each event’s own fields', () => {
      const records = [
        aRecord(),
        aRecord({ granted: ['Person.firstName'], denied: ['Person.bsn'] }),
        aRecord({ grants: [grant('emergency', 'ea-1')] }),
        aRecord({ action: 'UPDATE', granted: [], written: ['Person.phone'] }),
        aRecord({ grants: [], granted: [], denied: ['Person.bsn'] }),
        aRecord({ grants: [grant('auditor', 'g-1')], granted: [], pseudonymised: ['Person.firstName'] }),
        aRecord(),
      ];
      const batch = batchFrom(records, careWorker, meta())!;
      expect(batch.shapes).toHaveLength(6);
      expect(batch.shapeOf).toEqual([0, 1, 2, 3, 4, 5, 0]);
      const events = eventsOf(batch);
      expect(events[1]).toMatchObject({ granted_fields: ['Person.firstName'], denied_fields: ['Person.bsn'], outcome: 'GRANTED' });
      expect(events[2]).toMatchObject({ relationship: 'emergency', check_emergency: true, legal_basis_ref: 'ea-1', purpose: 'ETREAT' });
      expect(events[3]).toMatchObject({ action: 'UPDATE', granted_fields: ['Person.phone'] });
      expect(events[4]).toMatchObject({ relationship: 'none', outcome: 'DENIED', check_authorisation: false, denied_fields: ['Person.bsn'] });
      expect(events[5]).toMatchObject({ pseudonymised_fields: ['Person.firstName'], purpose: 'AUDIT', legal_basis_ref: 'g-1' });
    });

    it('should not give a record the shape of the record before it when the two differ in one thing only', () => {
      const base = { granted: ['Person.firstName', 'Person.bsn'] };
      const records = [
        aRecord(base),
        aRecord({ granted: ['Person.firstName', 'Person.city'] }),
        aRecord({ granted: ['Person.firstName'], denied: ['Person.bsn'] }),
        aRecord({ ...base, pseudonymised: ['Person.lastName'] }),
        aRecord({ ...base, written: ['Person.phone'] }),
        aRecord({ ...base, action: 'EXPORT' }),
        aRecord({ ...base, grants: [grant('emergency', 'ea-1')] }),
        aRecord({ ...base, grants: [grant('emergency', 'ea-2')] }),
        aRecord({ ...base, grants: [grant('care_worker'), grant('emergency', 'ea-2')] }),
        aRecord({ granted: ['Person.bsn', 'Person.firstName'] }),
      ];
      const batch = batchFrom(records, careWorker, meta())!;
      expect(batch.shapeOf).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 0]);
      const events = eventsOf(batch);
      expect(events.map((e) => [e.action, e.relationship, e.legal_basis_ref, e.granted_fields, e.denied_fields, e.pseudonymised_fields])).toEqual(
        records.map((r) => [
          r.action, r.grants.map((g) => g.relationship).join(','), r.grants.find((g) => g.basisId)?.basisId ?? null,
          [...r.granted, ...r.written].sort(), [...r.denied].sort(), [...r.pseudonymised].sort(),
        ]),
      );
    });

    it('should leave out records already written, and give no batch when nothing is left or the viewer is anonymous', () => {
      const written = aRecord({ flushed: true });
      const open = aRecord();
      expect(batchFrom([written, open], careWorker, meta())!.dossierIds).toEqual([open.dossierId]);
      expect(batchFrom([written], careWorker, meta())).toBeNull();
      expect(batchFrom([open], { kind: 'anonymous' } as never, meta())).toBeNull();
    });
  });

  describe('batchMac', () => {
    it('should equal the HMAC of the batch’s events one by one, whatever the shapes, nulls and characters', () => {
      const records = [
        aRecord({ dossierId: null, subjectId: null, action: 'SEARCH', granted: [] }),
        aRecord({ subjectId: null }),
        aRecord({ granted: ['Person.firstName'], denied: ['Person.bsn'] }),
        aRecord(),
        aRecord({ grants: [grant('parent', 'c-1'), grant('care_worker')] }),
      ];
      for (const operationName of ['Caseload', null, 'a "quoted" \\ name\nwith ünïcødé\u0000']) {
        const batch = batchFrom(records, careWorker, meta(operationName))!;
        expect(batchMac(KEY, batch).equals(eventsMac(KEY, eventsOf(batch)))).toBe(true);
        expect(batchMac(KEY, batch).equals(eventsMac(Buffer.alloc(32, 8), eventsOf(batch)))).toBe(false);
      }
    });

    it('should still equal it when a value of the request looks like the markers that cut a shape’s text', () => {
    const batch = batchFrom([aRecord(), aRecord()], { ...careWorker, clientApp: '\u0000dossier' }, { ...meta(), operationName: '"\u0000dossier","\u0000subject"' })!;
    // Two neighbouring values exactly like the markers: the shape's text no longer cuts in two.
    const tricky = { ...batch, request: { ...batch.request, actor_sub: '\u0000dossier', actor_role: '\u0000subject' } };
    for (const b of [batch, tricky]) {
      expect(batchMac(KEY, b).equals(eventsMac(KEY, eventsOf(b)))).toBe(true);
    }
  });

  it('should change when any one event changes (its dossier, or its place in the batch)', () => {
      const batch = batchFrom([aRecord(), aRecord(), aRecord({ denied: ['Person.bsn'] })], careWorker, meta())!;
      const mac = batchMac(KEY, batch);
      expect(batchMac(KEY, { ...batch, dossierIds: [batch.dossierIds[0], randomUUID(), batch.dossierIds[2]] }).equals(mac)).toBe(false);
      expect(batchMac(KEY, { ...batch, shapeOf: [0, 1, 0], dossierIds: [batch.dossierIds[0], batch.dossierIds[2], batch.dossierIds[1]], subjectIds: [batch.subjectIds[0], batch.subjectIds[2], batch.subjectIds[1]] }).equals(mac)).toBe(false);
    });
  });

  describe('batchOf', () => {
    it('should turn events built one by one into the same batch shapes, and refuse events of two requests', () => {
      const batch = batchFrom([aRecord(), aRecord({ denied: ['Person.bsn'] }), aRecord()], careWorker, meta())!;
      const events = eventsOf(batch);
      expect(batchOf(events)).toEqual(batch);
      expect(() => batchOf([events[0], { ...events[1], actor_sub: 'someone-else' }])).toThrow(/one request/);
      expect(() => batchOf([])).toThrow(/one request/);
    });
  });
});
