// What language.test.mjs lets through: the Latin-script words the 中文 page may show, and the
// Chinese the English page may show. Keep it short; every entry says why it is not a leak.
// A sentence in the wrong language is never allowed here: fix it in src/i18n/ instead. Code and
// program output quoted in a sentence belong in <code>, which the 中文 check leaves out.

/** Latin-script words allowed on the 中文 page, as whole words (case-sensitive). */
export const LATIN_WORDS = new Map([
  ['Canteen', 'the name of the app, beside 食堂'],
  // Names with no Chinese name in use: languages, formats, protocols, products, browser APIs.
  ['Python', 'the language the seed is written in'],
  ['JavaScript', 'the language of the browser regex engine'],
  ['JSON', 'a file format (export)'],
  ['CSV', 'a file format (export)'],
  ['HTTP', 'the protocol, as in HTTP 404'],
  ['Redis', 'the product the broker explanation names'],
  ['Streams', 'part of the product name Redis Streams'],
  ['Fetch', 'the browser API the scraper downloads with (Fetch API)'],
  ['API', 'as in Fetch API'],
  ['RegExp', "the browser's regex class"],
  // The seed's Python: its classes and the methods of its queue and processes, named bare.
  ['Queue', 'Python class multiprocessing.Queue'],
  ['JoinableQueue', 'Python class multiprocessing.JoinableQueue'],
  ['None', 'the sentinel, as Python writes it'],
  ['ValueError', 'the exception Python raises for one task_done() too many'],
  ['ShutDown', 'the exception get() raises on a shut-down queue (Python 3.13)'],
  ['put', "the queue's method, labelling the queue's input end"],
  ['get', "the queue's method, labelling the queue's output end"],
  ['join', 'the method, as in "task_done + join"'],
  ['terminate', 'the method, as in "join + terminate"'],
  ['daemon=True', 'the Process argument that makes a daemon, as Python writes it'],
  ['python3', 'the command that runs the program'],
  ['img', 'the seed\'s own log line says 第N个任务获取到N个img'],
  // Units, keys, codes.
  ['ms', 'the unit, milliseconds'],
  ['s', 'the unit, seconds'],
  ['MB', 'the unit, megabytes'],
  ['r', 'the key that resets'],
  ['zh', 'a language code a link accepts'],
  ['en', 'a language code a link accepts'],
  // Symbols of queueing theory, written the same in Chinese textbooks (Little's law L = λW,
  // Kendall's M/M/c, n requests in service, c workers).
  ['L', 'Little\'s law'],
  ['W', 'Little\'s law'],
  ['λW', 'Little\'s law'],
  ['Lq', 'mean queue length'],
  ['Wq', 'mean time in queue'],
  ['M/M/c', "Kendall's notation"],
  ['n', 'a variable defined in its sentence'],
  ['c', 'a variable defined in its sentence'],
  ['(n/c)²', 'the overload formula'],
  ['English', 'the language switch names each language in that language'],
]);

/**
 * A call as written in code, removed from a text before it is split into words: q.join(),
 * task_done(), q.put(上海分店的热狗1), q.shutdown(immediate=True), re.findall('src=//(.*?) width', text).
 */
export const CODE_CALL = /[A-Za-z_][\w.]*\((?:[^()]|\([^()]*\))*\)/g;

/**
 * Latin-script words allowed on the 中文 page by their shape: each is code, a unit or a URL,
 * never prose. A word is a run of characters between spaces, Chinese characters and Chinese
 * punctuation, without the punctuation around it.
 */
export const LATIN_SHAPES = [
  [/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$|^[A-Za-z]+(_[A-Za-z0-9]+)+$/, 'a dotted or snake_case name from code'],
  [/[\\?<>{}|*+^$[\]]/, 'regex or markup syntax: (?P<name>…), \\A, <img>'],
  [/^--[a-z-]+$/, 'a command-line option'],
  [/^\.[a-z]{1,4}$/, 'a file extension: .py'],
  [/^p\d\d$/, 'a percentile: p50, p99'],
  [/^[-+]?\d[\d.,]*(ms|s)(\.\.[-+]?\d[\d.,]*(ms|s))?$|^\d[\d.,]*\/s$/, 'a duration or a rate: 250ms, 0ms..1s, 40/s'],
  [/^\d[\d.]*m?s,\d[\d.]*m?s,\d[\d.]*$/, 'the burst syntax START,LENGTH,RATE: 20s,5s,120'],
  [/^(const|uniform|exp):\S+$/, 'the delay syntax: const:250ms, uniform:0ms..1s'],
  [/^[a-z]+\/[a-z0-9.+-]+$/, 'a media type: image/png'],
  [/:\/\/|^pages\/|^\/\//, 'a URL or a bundled page'],
];

/**
 * Chinese allowed on the English page: only the language switch. (The English page names the
 * seed's shops and hot dogs in English, and its title is plain "Canteen".)
 */
export const HAN_WORDS = new Map([
  ['中文', 'the language switch names each language in that language'],
]);
