// Labels and formatting shared by the views.
import { h } from './dom.js';

export const OUTCOMES = [
  ['cleared', 'Cleared', 'Inspected, nothing found'],
  ['seized', 'Seized', 'Drugs or precursors found'],
  ['other_violation', 'Other violation', 'Not drugs, but another offence'],
  ['not_inspected', 'Not inspected', 'Released without inspection'],
];

export const SUBSTANCES = [
  ['synthetic_opioids', 'Synthetic opioids (fentanyl, nitazenes…)'],
  ['other_opioids', 'Other opioids (heroin, morphine…)'],
  ['cocaine', 'Cocaine'],
  ['cannabis', 'Cannabis'],
  ['amphetamine_type_stimulants', 'Amphetamine-type stimulants'],
  ['mdma', 'MDMA (ecstasy)'],
  ['new_psychoactive_substances', 'New psychoactive substances'],
  ['benzodiazepines', 'Benzodiazepines'],
  ['precursors', 'Precursor chemicals'],
  ['other', 'Other substance'],
];

const OUTCOME_LABEL = new Map(OUTCOMES.map(([k, l]) => [k, l]));
const SUBSTANCE_LABEL = new Map(SUBSTANCES.map(([k, l]) => [k, l]));

export function outcomeLabel(code) {
  return OUTCOME_LABEL.get(code) || humanise(code);
}

export function substanceLabel(code) {
  return SUBSTANCE_LABEL.get(code) || humanise(code);
}

export function humanise(code) {
  const s = String(code || '').replace(/_/g, ' ').trim();
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : '';
}

export const LANES = ['release', 'review', 'inspect'];
const LANE_LABEL = { release: 'Release', review: 'Review', inspect: 'Inspect' };

export function laneLabel(lane) {
  return LANE_LABEL[lane] || humanise(lane) || 'Unknown';
}

export function laneBadge(lane, extra) {
  const known = Object.prototype.hasOwnProperty.call(LANE_LABEL, lane);
  return h('span', {
    class: ['badge', `lane-${known ? lane : 'unknown'}`],
    'data-lane': known ? lane : 'unknown',
    ...(extra || {}),
  }, laneLabel(lane));
}

const VIA_LABEL = {
  recipient_address: 'Same recipient address',
  address: 'Same recipient address',
  sender: 'Same sender',
  sender_name: 'Same sender',
  phone: 'Same phone',
  email: 'Same e-mail',
  e_mail: 'Same e-mail',
};
export const VIA_ORDER = ['recipient_address', 'address', 'sender', 'sender_name', 'phone', 'email', 'e_mail'];

export function viaLabel(via) {
  return VIA_LABEL[via] || `Same ${String(via || 'link').replace(/_/g, ' ')}`;
}

// "2026-11-21 09:12 UTC" style; times are shown in UTC so that officers in
// different places read the same thing.
export function formatTime(iso, withSeconds) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const s = d.toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, withSeconds ? 19 : 16)}`;
}

export function timeEl(iso, withSeconds) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const d = new Date(iso);
  const valid = !Number.isNaN(d.getTime());
  return h('time', valid ? { datetime: d.toISOString(), title: `${d.toISOString()} (UTC)` } : null,
    formatTime(iso, withSeconds));
}

const intFmt = new Intl.NumberFormat('en-GB');
const decFmt = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 3 });
const pctFmt = new Intl.NumberFormat('en-GB', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

export function formatInt(n) {
  return typeof n === 'number' && Number.isFinite(n) ? intFmt.format(n) : (n === undefined || n === null ? '—' : String(n));
}

export function formatNumber(n) {
  return typeof n === 'number' && Number.isFinite(n) ? decFmt.format(n) : (n === undefined || n === null || n === '' ? '—' : String(n));
}

export function formatPercent(f) {
  return typeof f === 'number' && Number.isFinite(f) ? pctFmt.format(f) : '—';
}

export function formatScore(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '—';
  return n > 0 ? `+${n}` : n < 0 ? `−${Math.abs(n)}` : '0';
}

export function text(v) {
  if (v === undefined || v === null || v === '') return '—';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// Status of a parcel from its latest disposition outcome ('' = still open).
export function dispositionStatus(outcome) {
  if (!outcome) return h('span', { class: 'status-open', 'data-status': 'open' }, 'Open');
  return h('span', { class: ['status-done', `disp-${outcome === 'seized' ? 'seized' : 'other'}`], 'data-status': outcome },
    outcomeLabel(outcome));
}
