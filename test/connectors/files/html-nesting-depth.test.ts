import { describe, expect, it } from 'vitest';
import { htmlNestingDepth } from '../../../connectors/files/html-nesting-depth.ts';

describe('measuring how deeply HTML is nested', () => {
  it('counts nested elements', () => {
    expect(htmlNestingDepth('<div><section><div><span>x</span></div></section></div>')).toBe(4);
    expect(htmlNestingDepth(`${'<div>'.repeat(1000)}x${'</div>'.repeat(1000)}`)).toBe(1000);
  });

  it('counts unclosed elements that really nest', () => {
    expect(htmlNestingDepth('<b>'.repeat(300))).toBe(300);
  });

  it('does not count elements that parsers close implicitly or that cannot have children', () => {
    expect(htmlNestingDepth('<p>one<p>two<p>three')).toBe(0);
    expect(htmlNestingDepth(`<ul>${'<li>item'.repeat(1000)}</ul>`)).toBe(1);
    expect(htmlNestingDepth(`<div>${'<br><img src=x><input>'.repeat(1000)}</div>`)).toBe(1);
    expect(htmlNestingDepth(`<svg>${'<path d="M0 0"/>'.repeat(1000)}</svg>`)).toBe(1);
  });

  it('ignores markup inside comments, scripts and styles', () => {
    expect(htmlNestingDepth(`<!--${'<div>'.repeat(1000)}--><div>x</div>`)).toBe(1);
    expect(htmlNestingDepth(`<script>const s = "${'<div>'.repeat(1000)}";</script><div>x</div>`)).toBe(1);
    expect(htmlNestingDepth(`<style>/* ${'<div>'.repeat(1000)} */</style>`)).toBe(1);
  });
});
