import type { PageObjectResponse } from '@notionhq/client';
import { plainText } from './rich-text.ts';

// Page properties as facts: the title, tag-like values (select, multi-select, status) for metadata filters,
// and one readable line per other property — a data-source entry's properties are often most of its content.

type PropertyValue = PageObjectResponse['properties'][string];

export interface PageFacts {
  title: string;
  tags: string[];
  /** `**Name:** value` lines, in the page's property order, empty values left out. */
  lines: string[];
}

const MAX_VALUE_CHARS = 2_000;

export function describeProperties(properties: PageObjectResponse['properties'] | undefined): PageFacts {
  let title = '';
  const tags: string[] = [];
  const lines: string[] = [];
  for (const [name, value] of Object.entries(properties ?? {})) {
    if (!value || typeof value !== 'object') continue;
    if (value.type === 'title') {
      title ||= plainText(value.title).replace(/\s+/g, ' ').trim();
      continue;
    }
    if (value.type === 'select' && value.select) tags.push(value.select.name);
    if (value.type === 'status' && value.status) tags.push(value.status.name);
    if (value.type === 'multi_select') tags.push(...(value.multi_select ?? []).map((option) => option.name));
    const text = propertyText(value);
    if (text) lines.push(`**${name.trim()}:** ${text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text}`);
  }
  return { title, tags: tags.map((tag) => tag.trim()).filter(Boolean), lines };
}

function propertyText(value: PropertyValue): string {
  switch (value.type) {
    case 'rich_text':
      return plainText(value.rich_text).trim();
    case 'number':
      return value.number === null || value.number === undefined ? '' : String(value.number);
    case 'select':
      return value.select?.name ?? '';
    case 'status':
      return value.status?.name ?? '';
    case 'multi_select':
      return (value.multi_select ?? []).map((option) => option.name).join(', ');
    case 'date':
      return value.date ? [value.date.start, value.date.end].filter(Boolean).join(' → ') : '';
    case 'checkbox':
      return value.checkbox ? 'yes' : 'no';
    case 'url':
      return value.url ?? '';
    case 'email':
      return value.email ?? '';
    case 'phone_number':
      return value.phone_number ?? '';
    case 'people':
      return (value.people ?? [])
        .map((person) => ('name' in person && typeof person.name === 'string' ? person.name : ''))
        .filter(Boolean)
        .join(', ');
    case 'created_by':
      return 'name' in value.created_by && typeof value.created_by.name === 'string' ? value.created_by.name : '';
    case 'last_edited_by':
      return 'name' in value.last_edited_by && typeof value.last_edited_by.name === 'string' ? value.last_edited_by.name : '';
    case 'files':
      return (value.files ?? [])
        .map((file) => file.name)
        .filter(Boolean)
        .join(', ');
    case 'unique_id':
      return value.unique_id?.number === null || value.unique_id?.number === undefined
        ? ''
        : `${value.unique_id.prefix ? `${value.unique_id.prefix}-` : ''}${value.unique_id.number}`;
    case 'formula': {
      const formula = value.formula;
      if (formula.type === 'string') return formula.string ?? '';
      if (formula.type === 'number') return formula.number === null ? '' : String(formula.number);
      if (formula.type === 'boolean') return formula.boolean === null ? '' : formula.boolean ? 'yes' : 'no';
      if (formula.type === 'date') return formula.date?.start ?? '';
      return '';
    }
    default:
      // Relations and rollups are ids and aggregates of other pages; created/edited times are metadata already.
      return '';
  }
}
