import { describe, expect, it } from 'vitest';
import { toMetadataList } from '../../../rag/enrich/metadata-list.ts';

describe('toMetadataList', () => {
  it('joins unique items with commas, replacing commas inside items', () => {
    expect(toMetadataList(['Acme, Inc', 'acme inc', 'Beta'])).toBe('Acme Inc, Beta');
  });

  it('stops at the item and character limits without cutting an item', () => {
    expect(toMetadataList(['a', 'b', 'c'], { maxItems: 2, maxChars: 100 })).toBe('a, b');
    expect(toMetadataList(['alpha', 'beta', 'gamma'], { maxItems: 10, maxChars: 12 })).toBe('alpha, beta');
  });
});
