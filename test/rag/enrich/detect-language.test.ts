import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../../rag/enrich/detect-language.ts';

describe('detectLanguage', () => {
  it.each([
    ['en', 'The team reviews every pull request before it is merged into the main branch.'],
    ['de', 'Das Team prüft jede Änderung, bevor sie in den Hauptzweig übernommen wird, und das ist auch gut so.'],
    ['fr', 'Le groupe examine chaque demande de fusion avant qu’elle ne soit intégrée dans la branche principale.'],
    ['es', 'El equipo revisa cada cambio antes de que se integre en la rama principal y lo aprueba.'],
    ['ja', 'チームはすべての変更をレビューしてからマージします。'],
    ['zh', '团队在合并之前审查每一个变更。'],
    ['ru', 'Команда проверяет каждое изменение перед слиянием.'],
  ])('recognises %s', (language, text) => {
    expect(detectLanguage(text)).toBe(language);
  });

  it('says und(etermined) when there is too little to go on', () => {
    expect(detectLanguage('API_KEY=123')).toBe('und');
    expect(detectLanguage('')).toBe('und');
  });
});
