/**
 * CDR rows: the billing shape (cdr/list, the billing push) and the longer `GET cdr` shape,
 * plus the two searches over them.
 */
import { formatDateTime, parseDateTime, recordingStamp, secondsBetween } from './format.ts';
import type { CdrDraft } from './model.ts';
import { CDR_SORT_FIELDS, HANGUP_CAUSE, type CdrDirection, type Disposition } from './rules.ts';

/** The document's 话单推送 / 查询话单 row. */
export interface CdrRow {
  calldate: string;
  clid: string;
  src: string;
  dnid: string;
  dst: string;
  dcontext: string;
  channel: string;
  dstchannel: string;
  lastapp: string;
  lastdata: string;
  start: string;
  answer: string;
  end: string;
  duration: number;
  billsec: number;
  disposition: Disposition;
  uniqueid: string;
  linkedid: string;
  billingid: string;
  recording: string;
  direction: CdrDirection;
  hangupsource: string;
}

export interface CdrRecord {
  id: number;
  row: CdrRow;
  startMs: number;
  answerMs: number | null;
  endMs: number;
  agentid: string;
  trunkName: string;
}

export interface CdrEnd {
  id: number;
  linkedid: string;
  endMs: number;
  disposition: Disposition;
  hangupsource: string;
  agentid: string;
  trunkName: string;
}

export function buildCdr(draft: CdrDraft, end: CdrEnd): CdrRecord {
  const answered = end.disposition === 'ANSWERED' && draft.answer !== null;
  const answerMs = answered ? draft.answer : null;
  const stamp = recordingStamp(draft.start);
  const row: CdrRow = {
    calldate: formatDateTime(draft.start),
    clid: draft.clid,
    src: draft.src,
    dnid: draft.dnid,
    dst: draft.dst,
    dcontext: draft.dcontext,
    channel: draft.channel,
    dstchannel: draft.dstchannel,
    lastapp: draft.lastapp,
    lastdata: draft.lastdata,
    start: formatDateTime(draft.start),
    answer: answerMs === null ? '' : formatDateTime(answerMs),
    end: formatDateTime(end.endMs),
    duration: secondsBetween(draft.start, end.endMs),
    billsec: answerMs === null ? 0 : secondsBetween(answerMs, end.endMs),
    disposition: end.disposition,
    uniqueid: draft.uniqueid,
    linkedid: end.linkedid,
    billingid: draft.billingid,
    recording: answered ? `monitor/${stamp.day}/${stamp.time}-${draft.src}-${draft.dst}-${draft.uniqueid}.wav` : '',
    direction: draft.direction,
    hangupsource: end.hangupsource,
  };
  return {
    id: end.id,
    row,
    startMs: draft.start,
    answerMs,
    endMs: end.endMs,
    agentid: end.agentid,
    trunkName: end.trunkName,
  };
}

/** The `GET cdr` row: the document's longer example, fields in its order. */
export function extendedRow(record: CdrRecord): Record<string, unknown> {
  const r = record.row;
  return {
    id: record.id,
    calldate: r.calldate,
    clid: r.clid,
    src: r.src,
    dnid: r.dnid,
    dst: r.dst,
    dept_exten: '',
    sipcallid: '',
    dcontext: r.dcontext,
    channel: r.channel,
    dstchannel: r.dstchannel,
    callerip: '',
    calledip: '',
    lastapp: r.lastapp,
    lastdata: r.lastdata,
    start: r.start,
    answer: r.answer,
    end: r.end,
    duration: r.duration,
    billsec: r.billsec,
    disposition: r.disposition,
    amaflags: 3,
    accountcode: '',
    peeraccount: '',
    uniqueid: r.uniqueid,
    linkedid: r.linkedid,
    userfield: '',
    ivrdigit: '',
    ivrflow: '',
    sequence: String(record.id),
    billingid: r.billingid,
    area_code: '',
    city: '',
    succ: r.disposition === 'ANSWERED' ? 1 : 0,
    billed: 0,
    bill: '0.000',
    musictype: 0,
    service_level: -1,
    agentid: record.agentid,
    caller_recording: 'force',
    callee_recording: 'force',
    recording: r.recording,
    direction: r.direction,
    option: '',
    numcalls: 0,
    loadavg: 0,
    hangupsource: r.hangupsource,
    hangupcause: HANGUP_CAUSE[r.disposition],
    create_time: r.end,
    trunkName: record.trunkName,
  };
}

// ---------------------------------------------------------------- searches

export type Query = Readonly<Record<string, string>>;

export interface Page<T> {
  rows: T[];
  total: number;
}

/** A query error, rendered as Laravel's 422 by the API layer. */
export class QueryError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

export function positiveInt(query: Query, field: string, fallback?: number): number {
  const raw = query[field];
  if (raw === undefined || raw === '') {
    if (fallback !== undefined) return fallback;
    throw new QueryError(field, `The ${field} field is required.`);
  }
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new QueryError(field, `The ${field} field must be at least 1.`);
  return Number(raw);
}

export function paginate<T>(rows: readonly T[], page: number, pageSize: number): T[] {
  return rows.slice((page - 1) * pageSize, page * pageSize);
}

function timeFilter(query: Query, field: string): number | null {
  const raw = query[field];
  if (raw === undefined || raw === '') return null;
  const ms = parseDateTime(raw);
  if (ms === null) throw new QueryError(field, `The ${field} is not a valid date.`);
  return ms;
}

/**
 * `GET cdr`: page, pageSize, optional start/end (inclusive, on calldate), src, dst,
 * disposition (the document's "ANSWERD" is read as ANSWERED), direction. Newest first.
 */
export function searchCdr(records: readonly CdrRecord[], query: Query): Page<Record<string, unknown>> {
  const page = positiveInt(query, 'page');
  const pageSize = positiveInt(query, 'pageSize');
  const start = timeFilter(query, 'start');
  const end = timeFilter(query, 'end');
  const disposition = query.disposition === 'ANSWERD' ? 'ANSWERED' : query.disposition;
  const matches = records.filter((rec) => {
    const calldate = Math.floor(rec.startMs / 1000) * 1000;
    return (
      (start === null || calldate >= start) &&
      (end === null || calldate <= end) &&
      (!query.src || rec.row.src === query.src) &&
      (!query.dst || rec.row.dst === query.dst) &&
      (!disposition || rec.row.disposition === disposition) &&
      (!query.direction || rec.row.direction === query.direction)
    );
  });
  const newestFirst = [...matches].sort((x, y) => y.id - x.id);
  return { rows: paginate(newestFirst, page, pageSize).map(extendedRow), total: matches.length };
}

const SORT_KEYS: Readonly<Record<(typeof CDR_SORT_FIELDS)[number], (r: CdrRecord) => number>> = {
  id: (r) => r.id,
  calldate: (r) => r.startMs,
  start: (r) => r.startMs,
  answer: (r) => r.answerMs ?? 0,
  end: (r) => r.endMs,
};

/**
 * `GET cdr/list` (计费对接): start_time (inclusive) and end_time (exclusive) required, page (1),
 * page_size (1000), sort_by id|calldate|start|answer|end (id), order asc|desc (asc).
 */
export function listCdr(records: readonly CdrRecord[], query: Query): Page<CdrRow> {
  const start = timeFilter(query, 'start_time');
  const end = timeFilter(query, 'end_time');
  if (start === null) throw new QueryError('start_time', 'The start time field is required.');
  if (end === null) throw new QueryError('end_time', 'The end time field is required.');
  const page = positiveInt(query, 'page', 1);
  const pageSize = positiveInt(query, 'page_size', 1000);
  const sortBy = query.sort_by || 'id';
  if (!(CDR_SORT_FIELDS as readonly string[]).includes(sortBy)) {
    throw new QueryError('sort_by', 'The selected sort by is invalid.');
  }
  const order = query.order || 'asc';
  if (order !== 'asc' && order !== 'desc') throw new QueryError('order', 'The selected order is invalid.');
  const key = SORT_KEYS[sortBy as keyof typeof SORT_KEYS];
  const matches = records.filter((rec) => {
    const calldate = Math.floor(rec.startMs / 1000) * 1000;
    return calldate >= start && calldate < end;
  });
  const sorted = [...matches].sort((x, y) => (key(x) - key(y) || x.id - y.id) * (order === 'asc' ? 1 : -1));
  return { rows: paginate(sorted, page, pageSize).map((rec) => rec.row), total: matches.length };
}
