// Lore playground: asks POST /query for server-sent events and renders the answer as it streams in.
// Everything the server sends goes into the page as text (textContent, text nodes), never as HTML: answers
// quote the indexed documents, and a document can contain hostile markup.
'use strict';

(() => {
  const KEY_STORAGE = 'lore.playground.apiKey';
  /** No byte from the server for this long and the answer is given up (the server streams well within it). */
  const IDLE_TIMEOUT_MS = 90_000;
  const FEEDBACK_TIMEOUT_MS = 15_000;
  /** One server-sent event larger than this is not something Lore sends: stop reading rather than grow forever. */
  const MAX_EVENT_CHARS = 8_000_000;
  /** Server messages shown to the reader are cut here. */
  const MAX_MESSAGE_CHARS = 400;
  const LINKABLE_PROTOCOLS = new Set(['http:', 'https:', 'file:']);

  const el = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const form = /** @type {HTMLFormElement} */ (el('ask-form'));
  const questionInput = /** @type {HTMLTextAreaElement} */ (el('question'));
  const askButton = /** @type {HTMLButtonElement} */ (el('ask'));
  const busyLabel = el('busy');
  const options = /** @type {HTMLDetailsElement} */ (document.querySelector('details.options'));
  const keyInput = /** @type {HTMLInputElement} */ (el('api-key'));
  const rememberKey = /** @type {HTMLInputElement} */ (el('remember-key'));
  const errorBox = el('error');
  const result = el('result');
  const notices = el('notices');
  const answerBox = el('answer');
  const sourcesBlock = el('sources-block');
  const sourcesList = el('sources');
  const footer = el('answer-footer');
  const thumbsUp = /** @type {HTMLButtonElement} */ (el('thumbs-up'));
  const thumbsDown = /** @type {HTMLButtonElement} */ (el('thumbs-down'));
  const feedbackStatus = el('feedback-status');

  /** @type {{ busy: boolean, controller: AbortController | null, answerId: string | null, rating: 'up' | 'down' | null, feedbackBusy: boolean }} */
  const state = { busy: false, controller: null, answerId: null, rating: null, feedbackBusy: false };

  class RequestFailure extends Error {}

  // ---- server-sent events ---------------------------------------------------------------------------------

  /**
   * An incremental parser for the text/event-stream format: feed it decoded text in whatever pieces the network
   * delivers; it calls `onEvent` once per complete event (a blank line ends one, `data:` lines join with "\n").
   */
  function createSseParser(onEvent) {
    let buffer = '';
    let eventName = '';
    /** @type {string[]} */
    let data = [];
    let eventChars = 0;

    const dispatch = () => {
      if (data.length > 0) onEvent({ event: eventName || 'message', data: data.join('\n') });
      eventName = '';
      data = [];
      eventChars = 0;
    };
    const line = (text) => {
      if (text === '') return dispatch();
      if (text.startsWith(':')) return; // a comment, e.g. a keep-alive
      const colon = text.indexOf(':');
      const field = colon === -1 ? text : text.slice(0, colon);
      let value = colon === -1 ? '' : text.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') eventName = value;
      else if (field === 'data') {
        eventChars += value.length;
        if (eventChars > MAX_EVENT_CHARS) throw new RequestFailure('The server sent an event too large to be an answer.');
        data.push(value);
      }
    };
    return {
      push(text) {
        buffer += text;
        const newline = /\r\n|\n|\r/g;
        let start = 0;
        for (let match = newline.exec(buffer); match; match = newline.exec(buffer)) {
          // A lone "\r" at the very end may be the first half of "\r\n" still on its way.
          if (match[0] === '\r' && match.index === buffer.length - 1) break;
          line(buffer.slice(start, match.index));
          start = newline.lastIndex;
        }
        buffer = buffer.slice(start);
        if (buffer.length > MAX_EVENT_CHARS) throw new RequestFailure('The server sent an event too large to be an answer.');
      },
      /** The stream ended: a last event the server did not close with a blank line still counts. */
      end() {
        if (buffer !== '') line(buffer.replace(/\r$/, ''));
        buffer = '';
        dispatch();
      },
    };
  }

  // ---- requests -------------------------------------------------------------------------------------------

  function apiKey() {
    return keyInput.value.trim();
  }

  function requestHeaders(extra) {
    const headers = { 'Content-Type': 'application/json', ...extra };
    const key = apiKey();
    if (key) {
      // fetch would throw a bare TypeError on a header it cannot send; say what is wrong instead.
      if (!/^[\x21-\x7e]+$/.test(key)) throw new RequestFailure('The API key contains characters that cannot be sent (spaces or non-ASCII). Check it under Options → API key.');
      headers.Authorization = `Bearer ${key}`;
    }
    return headers;
  }

  function clip(text) {
    const value = String(text).trim();
    return value.length > MAX_MESSAGE_CHARS ? `${value.slice(0, MAX_MESSAGE_CHARS)}…` : value;
  }

  /** Seconds to wait from a Retry-After header (seconds or an HTTP date), or undefined. */
  function retryAfterSeconds(header) {
    if (!header) return undefined;
    const value = header.trim();
    if (/^\d+$/.test(value)) return Number(value);
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
  }

  function waitText(seconds) {
    if (seconds === undefined) return 'a little while';
    if (seconds < 1) return 'a moment';
    if (seconds < 90) return seconds === 1 ? '1 second' : `${seconds} seconds`;
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minutes`;
  }

  /** A sentence a reader can act on for a non-2xx response (401, 413, 429 with its wait, 5xx...). */
  async function describeFailure(response) {
    let serverMessage = '';
    try {
      const text = await response.text();
      const body = JSON.parse(text);
      if (body && typeof body.message === 'string') serverMessage = clip(body.message);
      else if (body && typeof body.error === 'string') serverMessage = clip(body.error);
    } catch {
      // Not JSON (a proxy's error page, an empty body): the status says enough.
    }
    const detail = serverMessage ? ` (${serverMessage})` : '';
    const status = response.status;
    if (status === 401) {
      options.open = true;
      return apiKey()
        ? `The API key was not accepted (401). Check it under Options → API key.${detail}`
        : `This server needs an API key (401): enter it under Options → API key.${detail}`;
    }
    if (status === 403) return `This API key may not do that (403).${detail}`;
    if (status === 413) return `The request is too large for the server (413): shorten the question and ask again.${detail}`;
    if (status === 429) {
      return `Too many requests (429): try again in ${waitText(retryAfterSeconds(response.headers.get('Retry-After')))}.${detail}`;
    }
    if (status >= 500) return `Lore had a problem on the server (${status}). Try again in a moment.${detail}`;
    if (status === 400 || status === 422) return `The server refused the request (${status})${serverMessage ? `: ${serverMessage}` : '.'}`;
    return `The request failed (${status}).${detail}`;
  }

  function networkFailure(error, timedOut, what) {
    if (error instanceof RequestFailure) return error.message;
    if (timedOut) return `The server stopped responding: ${what}. Try again.`;
    return `Could not reach the Lore server: ${what}. Check that Lore is running and the network is up.`;
  }

  // ---- asking ---------------------------------------------------------------------------------------------

  function selectedSources() {
    return [...form.querySelectorAll('input[name="sources"]:checked')].map((input) => /** @type {HTMLInputElement} */ (input).value);
  }

  function setBusy(busy) {
    state.busy = busy;
    askButton.disabled = busy;
    busyLabel.hidden = !busy;
    answerBox.setAttribute('aria-busy', String(busy));
    form.setAttribute('aria-busy', String(busy));
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function clearError() {
    errorBox.textContent = '';
    errorBox.hidden = true;
  }

  function addNotice(text) {
    const item = document.createElement('li');
    item.textContent = clip(text);
    notices.append(item);
  }

  function resetResult() {
    clearError();
    notices.replaceChildren();
    answerBox.replaceChildren();
    sourcesList.replaceChildren();
    sourcesBlock.hidden = true;
    footer.hidden = true;
    state.answerId = null;
    state.rating = null;
    renderRating();
    feedbackStatus.textContent = '';
  }

  async function ask(question) {
    const controller = new AbortController();
    state.controller = controller;
    resetResult();
    setBusy(true);
    let timedOut = false;
    let idleTimer = 0;
    const armIdleTimer = () => {
      clearTimeout(idleTimer);
      idleTimer = window.setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, IDLE_TIMEOUT_MS);
    };
    let shown = false;
    try {
      const body = { question };
      const sources = selectedSources();
      if (sources.length > 0) body.sources = sources;
      const headers = requestHeaders({ Accept: 'text/event-stream' });
      armIdleTimer();
      const response = await fetch('/query', { method: 'POST', headers, body: JSON.stringify(body), signal: controller.signal });
      if (!response.ok) {
        showError(await describeFailure(response));
        return;
      }
      result.hidden = false;
      shown = true;
      const type = response.headers.get('Content-Type') || '';
      if (type.includes('application/json')) {
        // A server (or proxy) that ignores Accept still sends the finished answer.
        renderAnswer(await response.json());
        return;
      }
      if (!type.includes('text/event-stream') || !response.body) throw new RequestFailure(`The server answered with ${type || 'no content type'} instead of an event stream.`);

      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let finished = false;
      const parser = createSseParser((event) => {
        if (!finished) finished = handleEvent(event);
      });
      try {
        while (!finished) {
          const { value, done } = await reader.read();
          if (done) {
            parser.end();
            break;
          }
          armIdleTimer();
          parser.push(value);
        }
      } finally {
        if (finished) reader.cancel().catch(() => {});
      }
      if (!finished) throw new RequestFailure('The answer stream ended before the answer was complete. Try again.');
    } catch (error) {
      showError(networkFailure(error, timedOut, 'no answer arrived'));
    } finally {
      clearTimeout(idleTimer);
      if (state.controller === controller) state.controller = null;
      setBusy(false);
      if (!shown) result.hidden = true;
    }
  }

  function parseJson(data, what) {
    try {
      return JSON.parse(data);
    } catch {
      throw new RequestFailure(`The server sent a malformed ${what}.`);
    }
  }

  /** Applies one server-sent event; true once the answer is complete (or failed). */
  function handleEvent({ event, data }) {
    if (event === 'delta') {
      const delta = parseJson(data, 'piece of the answer');
      if (delta && typeof delta.text === 'string') answerBox.append(document.createTextNode(delta.text));
      return false;
    }
    if (event === 'restart') {
      const restart = parseJson(data, 'restart notice');
      answerBox.replaceChildren();
      addNotice(restart && typeof restart.reason === 'string' && restart.reason.trim() ? restart.reason : 'The answer was started again.');
      return false;
    }
    if (event === 'answer') {
      renderAnswer(parseJson(data, 'answer'));
      return true;
    }
    if (event === 'error') {
      const failure = parseJson(data, 'error');
      const message = failure && typeof failure.message === 'string' ? clip(failure.message) : 'The answer failed on the server.';
      const code = failure && typeof failure.error === 'string' ? ` (${clip(failure.error)})` : '';
      showError(`${message}${code}`);
      return true;
    }
    return false; // events this page does not know are skipped, as the format intends
  }

  // ---- rendering the answer -------------------------------------------------------------------------------

  const text = (value) => (typeof value === 'string' ? value : '');
  const finite = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

  /** The URL as a link target when it is http(s) or file:, otherwise undefined (javascript:, data:, junk...). */
  function safeHref(url) {
    if (typeof url !== 'string' || url === '') return undefined;
    try {
      const parsed = new URL(url);
      return LINKABLE_PROTOCOLS.has(parsed.protocol) ? parsed.href : undefined;
    } catch {
      return undefined;
    }
  }

  /** The answer text with each `[n]` naming a listed source turned into a link to it; the rest stays text. */
  function renderAnswerText(answerText, cited) {
    const nodes = [];
    let last = 0;
    for (const match of answerText.matchAll(/\[(\d{1,3})\]/g)) {
      const n = Number(match[1]);
      if (!cited.has(n)) continue;
      if (match.index > last) nodes.push(document.createTextNode(answerText.slice(last, match.index)));
      const link = document.createElement('a');
      link.className = 'cite';
      link.href = `#source-${n}`;
      link.textContent = `[${n}]`;
      link.setAttribute('aria-label', `source ${n}`);
      nodes.push(link);
      last = match.index + match[0].length;
    }
    if (last < answerText.length) nodes.push(document.createTextNode(answerText.slice(last)));
    answerBox.replaceChildren(...nodes);
  }

  function renderSources(citations) {
    const items = citations.map((citation) => {
      const item = document.createElement('li');
      item.id = `source-${citation.n}`;
      item.value = citation.n;
      const title = text(citation.title) || text(citation.url) || text(citation.docId) || `Source ${citation.n}`;
      const href = safeHref(citation.url);
      if (href) {
        const link = document.createElement('a');
        link.href = href;
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
        link.textContent = title;
        item.append(link);
      } else {
        const name = document.createElement('span');
        name.textContent = title;
        item.append(name);
      }
      if (text(citation.source)) {
        const kind = document.createElement('span');
        kind.className = 'source-kind';
        kind.textContent = text(citation.source);
        item.append(kind);
      }
      return item;
    });
    sourcesList.replaceChildren(...items);
    sourcesBlock.hidden = items.length === 0;
  }

  function formatLatency(ms) {
    if (ms === undefined) return '–';
    return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
  }

  function formatCost(usd, cached) {
    const cost = usd === undefined ? '–' : `$${usd.toFixed(usd > 0 && usd < 0.01 ? 5 : 4)}`;
    return cached ? `${cost} (cached)` : cost;
  }

  function renderAnswer(answer) {
    if (!answer || typeof answer !== 'object' || typeof answer.answer !== 'string') throw new RequestFailure('The server sent an answer this page cannot read.');
    const citations = (Array.isArray(answer.citations) ? answer.citations : []).filter(
      (citation) => citation && typeof citation === 'object' && Number.isInteger(citation.n) && citation.n > 0,
    );
    renderAnswerText(answer.answer, new Set(citations.map((citation) => citation.n)));
    renderSources(citations);
    // An abstention lists what came closest, not what the answer rests on.
    el('sources-heading').textContent = answer.abstained === true ? 'Closest sources' : 'Sources';
    for (const note of Array.isArray(answer.notes) ? answer.notes : []) if (typeof note === 'string' && note.trim()) addNotice(note);

    const mode = text(answer.mode) || 'unknown';
    const model = text(answer.model);
    el('fact-mode').textContent = model && model !== mode && mode === 'generative' ? `${mode} · ${model}` : mode;
    el('fact-latency').textContent = formatLatency(finite(answer.latencyMs));
    el('fact-cost').textContent = formatCost(finite(answer.costUsd), answer.cached === true);
    const confidence = finite(answer.confidence);
    el('fact-confidence').textContent = confidence === undefined ? '–' : `${Math.round(confidence * 100)}%`;

    state.answerId = text(answer.id) || null;
    thumbsUp.hidden = thumbsDown.hidden = state.answerId === null;
    footer.hidden = false;
  }

  // ---- feedback -------------------------------------------------------------------------------------------

  function renderRating() {
    thumbsUp.setAttribute('aria-pressed', String(state.rating === 'up'));
    thumbsDown.setAttribute('aria-pressed', String(state.rating === 'down'));
  }

  async function postFeedback(body) {
    const controller = new AbortController();
    let timedOut = false;
    const timer = window.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, FEEDBACK_TIMEOUT_MS);
    try {
      const response = await fetch('/feedback', { method: 'POST', headers: requestHeaders({ Accept: 'application/json' }), body: JSON.stringify(body), signal: controller.signal });
      if (!response.ok) throw new RequestFailure(await describeFailure(response));
    } catch (error) {
      throw new RequestFailure(networkFailure(error, timedOut, 'the rating was not recorded'));
    } finally {
      clearTimeout(timer);
    }
  }

  /** 👍 or 👎: a second click on the pressed one withdraws it. */
  async function rate(rating) {
    const answerId = state.answerId;
    if (!answerId || state.feedbackBusy) return;
    state.feedbackBusy = true;
    thumbsUp.disabled = thumbsDown.disabled = true;
    const previous = state.rating;
    try {
      if (previous === rating) {
        await postFeedback({ answerId, rating, retract: true });
        state.rating = null;
        feedbackStatus.textContent = 'Rating withdrawn.';
      } else {
        // The server keeps one rating per answer and caller: the new one replaces the other.
        await postFeedback({ answerId, rating });
        state.rating = rating;
        feedbackStatus.textContent = rating === 'up' ? 'Recorded 👍 — thanks!' : 'Recorded 👎 — thanks, this helps improve Lore.';
      }
    } catch (error) {
      feedbackStatus.textContent = error instanceof Error ? error.message : 'The rating was not recorded.';
    } finally {
      if (state.answerId === answerId) renderRating();
      state.feedbackBusy = false;
      thumbsUp.disabled = thumbsDown.disabled = false;
    }
  }

  // ---- the API key ----------------------------------------------------------------------------------------

  // Storage can be unavailable (private windows, blocked cookies): the key then lives only in the field.
  const storage = {
    get() {
      try {
        return window.localStorage.getItem(KEY_STORAGE);
      } catch {
        return null;
      }
    },
    set(value) {
      try {
        if (value) window.localStorage.setItem(KEY_STORAGE, value);
        else window.localStorage.removeItem(KEY_STORAGE);
      } catch {
        // nothing to do: the key simply is not remembered
      }
    },
  };

  function saveKeyChoice() {
    storage.set(rememberKey.checked ? apiKey() : '');
  }

  // ---- wiring ---------------------------------------------------------------------------------------------

  const storedKey = storage.get();
  if (storedKey) {
    keyInput.value = storedKey;
    rememberKey.checked = true;
  }
  keyInput.addEventListener('input', saveKeyChoice);
  rememberKey.addEventListener('change', saveKeyChoice);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (state.busy) return;
    const question = questionInput.value.trim();
    if (!question) {
      showError('Type a question first.');
      questionInput.focus();
      return;
    }
    void ask(question);
  });

  questionInput.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    form.requestSubmit();
  });

  thumbsUp.addEventListener('click', () => void rate('up'));
  thumbsDown.addEventListener('click', () => void rate('down'));
})();
