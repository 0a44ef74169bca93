// Media helpers for the call tests: synthetic speech, a Chromium with fake camera and
// microphone, WebRTC stats from the call page, media durations, and speech recognition.
//
// Needs: flite, ffmpeg/ffprobe, pocketsphinx_continuous (Debian `pocketsphinx` 0.8 with
// `pocketsphinx-en-us`), the system Chromium.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { launchBrowser } from './browser.mjs';

const run = promisify(execFile);
const BIG = 64 * 1024 * 1024; // maxBuffer for tool output

/** Trailing silence after the sentence: the fake microphone loops the file. */
export const TRAILING_SILENCE_S = 1.5;

/**
 * Speaks `text` with flite into a 16-bit PCM WAV at `outPath`, followed by
 * TRAILING_SILENCE_S of silence, so each loop of Chromium's fake microphone is a
 * separate utterance. Returns outPath.
 * @param {string} text
 * @param {string} voice flite voice: slt, rms, awb (kal recognises poorly)
 * @param {string} outPath
 */
export async function makeSpeechWav(text, voice, outPath) {
  const raw = `${outPath}.flite.wav`;
  await run('flite', ['-voice', voice, '-t', text, '-o', raw]);
  const { format, pcm } = parseWav(await readFile(raw));
  await rm(raw, { force: true });
  if (format.audioFormat !== 1 || format.bitsPerSample !== 16) {
    throw new Error(`flite wrote an unexpected WAV format: ${JSON.stringify(format)}`);
  }
  const blockAlign = format.channels * 2;
  const silence = Buffer.alloc(Math.round(format.sampleRate * TRAILING_SILENCE_S) * blockAlign);
  await writeFile(outPath, buildWav(format, Buffer.concat([pcm, silence])));
  return outPath;
}

/** Splits a RIFF/WAVE file into its fmt fields and the PCM bytes of its data chunk. */
function parseWav(buf) {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let format;
  let pcm;
  for (let off = 12; off + 8 <= buf.length; ) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = buf.subarray(off + 8, Math.min(buf.length, off + 8 + size));
    if (id === 'fmt ') {
      format = {
        audioFormat: body.readUInt16LE(0),
        channels: body.readUInt16LE(2),
        sampleRate: body.readUInt32LE(4),
        bitsPerSample: body.readUInt16LE(14),
      };
    } else if (id === 'data') {
      pcm = body;
    }
    off += 8 + size + (size % 2); // chunks are word-aligned
  }
  if (!format || !pcm) throw new Error('WAV file without fmt or data chunk');
  return { format, pcm };
}

/** A canonical 44-byte-header PCM WAV. */
function buildWav({ channels, sampleRate, bitsPerSample }, pcm) {
  const blockAlign = (channels * bitsPerSample) / 8;
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + pcm.length, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * blockAlign, 28);
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(bitsPerSample, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([h, pcm]);
}

/** Features disabled in media browsers. Chromium keeps only the last --disable-features,
 * so this one list replaces Playwright's: it repeats the ones that matter here. */
export const MEDIA_DISABLED_FEATURES = [
  'WebRtcHideLocalIpsWithMdns', // host candidates as plain IPs (no mDNS inside the netns)
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'MediaRouter',
  'DialMediaRouteProvider',
  'Translate',
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AimEnabled',
  'PreconnectToSearch',
];

/**
 * A headless Chromium whose camera is Chromium's fake video (640x480, ~20 fps) and
 * whose microphone plays `wavPath` in a loop; permission prompts are auto-accepted.
 * @param {string} wavPath
 */
export async function launchMediaBrowser(wavPath) {
  return launchBrowser([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wavPath}`,
    '--autoplay-policy=no-user-gesture-required',
    '--mute-audio',
    `--disable-features=${MEDIA_DISABLED_FEATURES.join(',')}`,
  ]);
}

/**
 * RTP counters of one of the call page's PeerConnections (window.__vitrinaCall).
 * `which` = 'subscriber' (default): what this browser received from the other party,
 * `{audio: {bytes, packets}, video: {bytes, packets, frames}}` from inbound-rtp
 * (bytesReceived, packetsReceived, framesDecoded).
 * `which` = 'publisher': what it sent, from outbound-rtp (bytesSent, packetsSent,
 * framesEncoded). Null when the page has no such PeerConnection (yet).
 * @param {import('playwright-core').Page} page
 * @param {'subscriber'|'publisher'} [which]
 */
export async function statsSummary(page, which = 'subscriber') {
  return page.evaluate(async (which) => {
    const call = window.__vitrinaCall;
    const pc = call && (which === 'publisher' ? call.publisherPc() : call.subscriberPc());
    if (!pc) return null;
    const inbound = which !== 'publisher';
    const sum = {
      audio: { bytes: 0, packets: 0 },
      video: { bytes: 0, packets: 0, frames: 0 },
    };
    const report = await pc.getStats();
    report.forEach((s) => {
      if (s.type !== (inbound ? 'inbound-rtp' : 'outbound-rtp')) return;
      const kind = s.kind ?? s.mediaType;
      const into = sum[kind];
      if (!into) return;
      into.bytes += (inbound ? s.bytesReceived : s.bytesSent) ?? 0;
      into.packets += (inbound ? s.packetsReceived : s.packetsSent) ?? 0;
      if (kind === 'video') into.frames += (inbound ? s.framesDecoded : s.framesEncoded) ?? 0;
    });
    return sum;
  }, which);
}

/** Duration of a media file in seconds (container duration, else decoded length). */
export async function ffprobeDuration(file) {
  const { stdout } = await run('ffprobe', [
    '-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', file,
  ]);
  const d = Number.parseFloat(stdout.trim());
  if (Number.isFinite(d)) return d;
  // No duration in the header (e.g. a live-written WebM): decode it and read the clock.
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-f', 'null', '-'], {
    maxBuffer: BIG,
  }).catch((e) => e);
  const times = [...String(stderr).matchAll(/time=(\d+):(\d+):(\d+(?:\.\d+)?)/g)];
  if (times.length === 0) throw new Error(`cannot tell the duration of ${file}`);
  const [, h, m, s] = times[times.length - 1];
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

/** The stream types of a media file, e.g. ['audio'] or ['video', 'audio']. */
export async function ffprobeStreams(file) {
  const { stdout } = await run('ffprobe', [
    '-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'default=nw=1:nk=1', file,
  ]);
  return stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

/**
 * Speech recognition (pocketsphinx, US English model) of any audio ffmpeg can decode
 * (.wav, .opus, .webm). Returns the recognised words, lower case, one line per utterance.
 */
export async function transcribe(file) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vitrina-asr-'));
  try {
    const wav = path.join(dir, 'speech.wav');
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', file, '-vn',
      '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', wav]);
    const { stdout } = await run('pocketsphinx_continuous', ['-infile', wav, '-logfn', '/dev/null'], {
      maxBuffer: BIG,
    });
    return stdout
      .split('\n')
      .map((l) => l.trim().toLowerCase())
      .filter(Boolean)
      .join('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Words of `text` (lower case), for containment checks on a transcript. */
export function wordsOf(text) {
  return new Set(text.toLowerCase().match(/[a-z']+/g) ?? []);
}

/** `file` decoded by ffmpeg to 16 kHz mono 16-bit samples. */
async function decode16k(file) {
  const { stdout } = await run(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-i', file, '-vn', '-ac', '1', '-ar', '16000', '-f', 's16le', '-'],
    { encoding: 'buffer', maxBuffer: BIG },
  );
  return new Int16Array(stdout.buffer, stdout.byteOffset, Math.floor(stdout.length / 2));
}

/**
 * Where utterances begin in `file` (ms from its start): rises of 20 ms frame energy above a
 * tenth of the loudest frame after at least `minGapMs` of quiet. The ground truth for "when
 * something was said", measured acoustically and independent of any recogniser.
 */
export async function speechOnsets(file, minGapMs = 600) {
  const pcm = await decode16k(file);
  const frame = 320; // 20 ms
  const energy = [];
  for (let i = 0; i + frame <= pcm.length; i += frame) {
    let sum = 0;
    for (let j = i; j < i + frame; j++) sum += pcm[j] * pcm[j];
    energy.push(Math.sqrt(sum / frame));
  }
  const threshold = Math.max(...energy) / 10;
  const onsets = [];
  let quietFrames = Infinity;
  for (let k = 0; k < energy.length; k++) {
    if (energy[k] >= threshold) {
      if (quietFrames * 20 >= minGapMs) onsets.push(k * 20);
      quietFrames = 0;
    } else {
      quietFrames++;
    }
  }
  return onsets;
}

/**
 * The words of a clean 16 kHz speech WAV with their times, from pocketsphinx_continuous
 * with word times: `[{word, start_ms, end_ms}]`, in ms from the start of the first word (the
 * utterance onset). Fillers and silences are left out; alternate pronunciations ("for(2)")
 * are reported as the word.
 */
export async function wordSpansInUtterance(wav) {
  const { stdout } = await run('pocketsphinx_continuous', ['-infile', wav, '-time', 'yes', '-logfn', '/dev/null'], {
    maxBuffer: BIG,
  });
  const rows = stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 3 && !f[0].startsWith('<') && !f[0].startsWith('[') && !Number.isNaN(Number(f[1])));
  if (rows.length === 0) throw new Error(`no words recognised in ${wav}: ${stdout}`);
  const zero = Number(rows[0][1]);
  return rows.map((f) => ({
    word: f[0].replace(/\(\d+\)$/, ''),
    start_ms: Math.round((Number(f[1]) - zero) * 1000),
    end_ms: Math.round((Number(f[2]) - zero) * 1000),
  }));
}

/**
 * Start of `word` (ms) within a clean 16 kHz speech WAV, from pocketsphinx_continuous with
 * word times, minus the start of the first word: the word's offset from the utterance onset.
 */
export async function wordOffsetInUtterance(wav, word) {
  const spans = await wordSpansInUtterance(wav);
  const hit = spans.find((s) => s.word === word);
  if (!hit) throw new Error(`"${word}" not recognised in ${wav}: ${spans.map((s) => s.word).join(' ')}`);
  return hit.start_ms;
}
