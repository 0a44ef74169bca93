// vitrina_asr_bench: the cost and accuracy of transcribing one recorded two-party call with
// the pocketsphinx backend, per participant track, the way a transcription job does it
// (asr::TranscribeOpusFile: Opus decode -> VAD -> one Recognize per speech region).
//
// The call is made here, nothing is committed: a buyer (flite voice rms) and a seller (slt)
// take turns through a scripted conversation about a used bicycle and a camera (70 turns,
// gaps of 0.3-1.3 s between turns, longer ones where someone shows something), each
// participant on their own track that is silent (room noise at about -66 dBFS) while the other
// speaks; each track is encoded with ffmpeg to Ogg Opus at 48 kHz mono, 28 kbit/s (our
// recordings are Janus's 48 kHz Opus at ~0.20 MB per participant-minute).
//
// It prints Markdown tables: per track the CPU seconds per second of audio of decode alone,
// VAD alone and the whole pipeline (process CPU time, CLOCK_PROCESS_CPUTIME_ID; median of
// --runs), wall time, the speech fraction the VAD kept against the script's, and the word
// error rate against the script; then both tracks at once on two threads (two job workers).
//
//   vitrina_asr_bench [--runs N] [--keep DIR]
//
// Plain main rather than Google Benchmark: one run is minutes of audio and the figures of
// interest (CPU per audio second, WER) are not per-iteration times.

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "asr/audio.h"
#include "asr/speech_recognizer.h"
#include "asr/transcriber.h"
#include "base/subprocess.h"

namespace {

namespace fs = std::filesystem;
using namespace vitrina;

// ---- The conversation ----------------------------------------------------------------------

enum Who { kSeller = 0, kBuyer = 1 };
constexpr const char* kVoice[] = {"slt", "rms"};
constexpr const char* kRole[] = {"seller (slt)", "buyer (rms)"};

struct Turn {
  Who who;
  const char* text;    // lower case, numbers in words: the reference for the WER
  bool shows = false;  // the other side waits while something is shown: a longer pause after
};

const std::vector<Turn> kScript = {
    {kSeller, "hello can you hear me well"},
    {kBuyer, "yes i can hear you fine thank you for taking the call"},
    {kSeller, "no problem i have the bicycle right here in front of the camera"},
    {kBuyer, "great could you show me the frame from the left side please"},
    {kSeller, "sure here it is the paint is a little worn near the pedals but there are no cracks",
     true},
    {kBuyer, "how old is the bike and how often did you ride it"},
    {kSeller, "i bought it three years ago and i used it mostly on weekends in the summer"},
    {kBuyer, "did you ever have to replace the chain or the brakes"},
    {kSeller, "the chain was replaced last spring and the brakes were adjusted in the shop"},
    {kBuyer, "that sounds good can you turn the back wheel so i can see if it is straight"},
    {kSeller, "of course look it spins without touching the brake pads", true},
    {kBuyer, "yes it looks fine what about the tires"},
    {kSeller, "the tires are almost new i changed them two months ago"},
    {kBuyer, "is the seat the original one"},
    {kSeller, "no i put a softer seat on it because the old one was too hard"},
    {kBuyer, "could you lift the bike so i can see the bottom of the frame"},
    {kSeller, "here you go there is a small scratch under the bottle holder", true},
    {kBuyer, "i see it that is not a problem for me"},
    {kSeller, "it also comes with a lock and a small light for the front"},
    {kBuyer, "does the light still work with the same batteries"},
    {kSeller, "yes it charges with a cable and the battery lasts about a week"},
    {kBuyer, "what size is the frame i am about six feet tall"},
    {kSeller, "it is a large frame so it should fit you well"},
    {kBuyer, "the listing says four hundred dollars is the price still the same"},
    {kSeller, "yes but i can give you a small discount if you pick it up this week"},
    {kBuyer, "would you accept three hundred and fifty"},
    {kSeller, "i could do three hundred and seventy five and i will add the lock for free"},
    {kBuyer, "that works for me when can i come to see it"},
    {kSeller, "i am at home tomorrow after five in the evening"},
    {kBuyer, "tomorrow at six would be perfect for me"},
    {kSeller, "good i will send you the address in the chat after this call"},
    {kBuyer, "thank you can i pay by card or do you prefer cash"},
    {kSeller, "cash is better but a bank transfer is also fine"},
    {kBuyer, "all right i will bring cash then"},
    {kSeller, "please bring a helmet if you want to try it on the street"},
    {kBuyer, "good idea i will bring mine"},
    {kSeller, "is there anything else you want to see before we finish"},
    {kBuyer, "one more question about the bike did you keep the receipt from the shop"},
    {kSeller, "yes i have the receipt and the little book that came with it"},
    {kBuyer, "good and is there any rust on the chain or on the wheels"},
    {kSeller, "there is no rust because it was always kept inside the house"},
    {kBuyer, "my brother may come with me tomorrow is that all right with you"},
    {kSeller, "that is fine there is enough space to park a car in front of the house"},
    {kBuyer, "and if it rains tomorrow can we still try the bike somewhere dry"},
    {kSeller, "yes we can ride it in the garage under the building"},
    {kBuyer, "could you show me the gears one more time"},
    {kSeller, "here are the gears they change smoothly on every speed", true},
    {kBuyer, "thank you very much that is everything for now"},
    {kSeller, "before you go i also have a camera for sale if you are interested"},
    {kBuyer, "maybe what kind of camera is it"},
    {kSeller, "it is a small digital camera with a zoom lens and two batteries"},
    {kBuyer, "how many pictures did you take with it"},
    {kSeller, "not many i used it on two holidays and then it stayed in the box"},
    {kBuyer, "can you show me the screen on the back"},
    {kSeller, "here it is the screen has no scratches and the buttons all work", true},
    {kBuyer, "does it record video as well"},
    {kSeller, "yes it records full video with sound"},
    {kBuyer, "what memory card does it use"},
    {kSeller, "it uses a normal memory card and i will include one with the camera"},
    {kBuyer, "how much do you want for it"},
    {kSeller, "i was thinking about one hundred and twenty dollars"},
    {kBuyer, "if i take both the bike and the camera could you make a better price"},
    {kSeller, "for both together i can do four hundred and seventy"},
    {kBuyer, "let me think about it tonight and i will write to you in the chat"},
    {kSeller, "of course take your time there is no hurry"},
    {kBuyer, "is the box and the charger included with the camera"},
    {kSeller, "yes the original box the charger and the strap are all included"},
    {kBuyer, "perfect i will let you know tonight"},
    {kSeller, "thank you for your interest talk to you later"},
    {kBuyer, "see you tomorrow evening bye for now"},
};

// ---- Helpers -------------------------------------------------------------------------------

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "vitrina_asr_bench: %s\n", what.c_str());
  std::exit(1);
}

void MustRun(const std::vector<std::string>& argv) {
  auto out = base::RunProcess(argv, std::chrono::seconds(120));
  if (!out) Die(argv[0] + ": " + out.error().message);
  if (!out->Succeeded()) Die(argv[0] + ": " + out->Describe() + ": " + out->stderr_text);
}

std::uint32_t Le(const std::string& s, std::size_t at, int bytes) {
  std::uint32_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v |= std::uint32_t{static_cast<unsigned char>(s[at + i])} << 8 * i;
  return v;
}

// flite's output: 16-bit mono PCM WAV at 16 kHz.
std::vector<std::int16_t> ReadWav16k(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.size() < 12 || data.compare(0, 4, "RIFF") != 0) Die(path.string() + ": not a WAV");
  std::vector<std::int16_t> samples;
  for (std::size_t at = 12; at + 8 <= data.size();) {
    const std::string id = data.substr(at, 4);
    std::size_t size = Le(data, at + 4, 4);
    const std::size_t body = at + 8;
    if (id == "fmt " && (Le(data, body + 2, 2) != 1 || Le(data, body + 4, 4) != 16'000 ||
                         Le(data, body + 14, 2) != 16)) {
      Die(path.string() + ": expected 16 kHz mono 16-bit");
    }
    if (id == "data") {
      size = std::min(size, data.size() - body);
      samples.resize(size / 2);
      for (std::size_t i = 0; i < samples.size(); ++i) {
        samples[i] = static_cast<std::int16_t>(Le(data, body + 2 * i, 2));
      }
    }
    at = body + size + (size & 1);
  }
  return samples;
}

void WriteWav16k(const fs::path& path, const std::vector<std::int16_t>& samples) {
  auto put = [](std::string& s, std::uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  const auto bytes = static_cast<std::uint32_t>(samples.size() * 2);
  std::string out = "RIFF";
  put(out, 36 + bytes, 4);
  out += "WAVEfmt ";
  put(out, 16, 4);
  put(out, 1, 2);
  put(out, 1, 2);
  put(out, 16'000, 4);
  put(out, 32'000, 4);
  put(out, 2, 2);
  put(out, 16, 2);
  out += "data";
  put(out, bytes, 4);
  for (const std::int16_t s : samples) put(out, static_cast<std::uint16_t>(s), 2);
  std::ofstream(path, std::ios::binary) << out;
}

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Busy and total jiffies of the whole machine (/proc/stat), to show what else was running.
struct MachineCpu {
  double busy = 0, total = 0;
  static MachineCpu Now() {
    std::ifstream in("/proc/stat");
    std::string cpu;
    double v[8] = {};
    in >> cpu >> v[0] >> v[1] >> v[2] >> v[3] >> v[4] >> v[5] >> v[6] >> v[7];
    MachineCpu m;
    for (double x : v) m.total += x;
    m.busy = m.total - v[3] - v[4];  // minus idle and iowait
    return m;
  }
  // Busy share of all cores since `before`, in % of one core.
  double BusyPercentSince(const MachineCpu& before) const {
    const double cores = std::thread::hardware_concurrency();
    return total > before.total ? 100.0 * cores * (busy - before.busy) / (total - before.total)
                                : 0.0;
  }
};

double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::vector<std::string> Words(const std::string& text) {
  std::string clean;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    clean.push_back(std::isalnum(u) || c == '\'' ? static_cast<char>(std::tolower(u)) : ' ');
  }
  std::istringstream in(clean);
  return {std::istream_iterator<std::string>(in), {}};
}

// Word-level Levenshtein distance.
std::size_t EditDistance(const std::vector<std::string>& ref, const std::vector<std::string>& hyp) {
  std::vector<std::size_t> prev(hyp.size() + 1), cur(hyp.size() + 1);
  for (std::size_t j = 0; j <= hyp.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= ref.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= hyp.size(); ++j) {
      cur[j] =
          std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ref[i - 1] == hyp[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[hyp.size()];
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// ---- Making the call -----------------------------------------------------------------------

struct Utterance {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};

struct Track {
  fs::path opus;
  double seconds = 0;
  std::int64_t speech_ms = 0;         // what the script has this participant say
  std::vector<Utterance> utterances;  // where
  std::string reference;              // the script's words, in order
};

std::vector<Track> MakeCall(const fs::path& dir) {
  std::uint64_t rng = 0x5eed;  // deterministic: every run hears the same call
  auto uniform = [&rng](double lo, double hi) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return lo + (hi - lo) * static_cast<double>(rng >> 11) / 9007199254740992.0;
  };
  std::vector<std::vector<std::int16_t>> pcm(2);
  std::vector<Track> tracks(2);
  std::size_t at = 8'000;  // the call starts with half a second of nothing
  for (std::size_t i = 0; i < kScript.size(); ++i) {
    const Turn& turn = kScript[i];
    const fs::path wav = dir / ("turn" + std::to_string(i) + ".wav");
    MustRun({"flite", "-voice", kVoice[turn.who], "-t", turn.text, "-o", wav.string()});
    const std::vector<std::int16_t> speech = ReadWav16k(wav);
    fs::remove(wav);
    for (auto& p : pcm) p.resize(std::max(p.size(), at + speech.size()), 0);
    std::copy(speech.begin(), speech.end(), pcm[turn.who].begin() + static_cast<long>(at));
    Track& t = tracks[turn.who];
    t.utterances.push_back(
        {static_cast<std::int64_t>(at / 16), static_cast<std::int64_t>((at + speech.size()) / 16)});
    t.speech_ms += static_cast<std::int64_t>(speech.size() / 16);
    t.reference += (t.reference.empty() ? "" : " ") + std::string(turn.text);
    const double gap_s = turn.shows ? uniform(2.0, 4.0) : uniform(0.3, 1.3);
    at += speech.size() + static_cast<std::size_t>(gap_s * 16'000);
  }
  for (std::size_t who = 0; who < 2; ++who) {
    std::vector<std::int16_t>& p = pcm[who];
    p.resize(at + 16'000, 0);  // both tracks last the whole call, plus a second
    // Room noise instead of digital silence (a microphone is never silent): uniform white
    // noise of about -66 dBFS RMS, added under the speech too.
    for (std::int16_t& s : p) {
      const int noisy = s + static_cast<int>(std::lround(uniform(-28.0, 28.0)));
      s = static_cast<std::int16_t>(std::clamp(noisy, -32768, 32767));
    }
    const fs::path wav = dir / (std::string(kVoice[who]) + ".wav");
    tracks[who].opus = dir / (std::string(kVoice[who]) + ".opus");
    tracks[who].seconds = static_cast<double>(p.size()) / 16'000;
    WriteWav16k(wav, p);
    MustRun({"ffmpeg", "-v", "error", "-y", "-i", wav.string(), "-ar", "48000", "-ac", "1", "-c:a",
             "libopus", "-b:a", "28k", tracks[who].opus.string()});
    fs::remove(wav);
  }
  return tracks;
}

// ---- Measuring -----------------------------------------------------------------------------

struct Figures {
  double decode_cpu = 0, vad_cpu = 0, pipeline_cpu = 0, pipeline_wall = 0;  // medians, s
  double pipeline_cpu_min = 0, pipeline_cpu_max = 0;
  asr::Transcription transcription;
  std::size_t ref_words = 0, errors = 0;
  double words_in_own_turns = 0;  // recognised words whose middle falls in an utterance
};

Figures Measure(asr::SpeechRecognizer& recognizer, const Track& track, int runs) {
  Figures f;
  std::vector<double> decode, vad, cpu, wall;
  for (int run = 0; run < runs; ++run) {
    double t0 = CpuSeconds();
    auto audio = asr::DecodeOpusFile(track.opus);
    if (!audio) Die(audio.error().message);
    decode.push_back(CpuSeconds() - t0);
    t0 = CpuSeconds();
    const auto regions = asr::DetectSpeech(audio->samples);
    vad.push_back(CpuSeconds() - t0);
    if (regions.empty()) Die("no speech found in " + track.opus.string());

    t0 = CpuSeconds();
    const double w0 = WallSeconds();
    auto t = asr::TranscribeOpusFile(recognizer, track.opus, 0, "en");
    cpu.push_back(CpuSeconds() - t0);
    wall.push_back(WallSeconds() - w0);
    if (!t) Die(t.error().message);
    f.transcription = std::move(*t);
  }
  f.decode_cpu = Median(decode);
  f.vad_cpu = Median(vad);
  f.pipeline_cpu = Median(cpu);
  f.pipeline_cpu_min = *std::min_element(cpu.begin(), cpu.end());
  f.pipeline_cpu_max = *std::max_element(cpu.begin(), cpu.end());
  f.pipeline_wall = Median(wall);

  std::string hypothesis;
  std::size_t words = 0, inside = 0;
  for (const asr::Segment& s : f.transcription.recognition.segments) {
    hypothesis += (hypothesis.empty() ? "" : " ") + s.text;
    for (const asr::Word& w : s.words) {
      const std::int64_t mid = (w.start_ms + w.end_ms) / 2;
      ++words;
      inside +=
          std::any_of(track.utterances.begin(), track.utterances.end(),
                      [&](const Utterance& u) { return mid >= u.start_ms && mid < u.end_ms; });
    }
  }
  const auto ref = Words(track.reference);
  f.ref_words = ref.size();
  f.errors = EditDistance(ref, Words(hypothesis));
  f.words_in_own_turns = words ? static_cast<double>(inside) / static_cast<double>(words) : 0;
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 3;
  fs::path keep;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--keep" && i + 1 < argc) {
      keep = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--runs N] [--keep DIR]\n", argv[0]);
      return 2;
    }
  }
  std::string tmpl = (fs::temp_directory_path() / "vitrina-asr-bench-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) Die("mkdtemp failed");
  const fs::path dir = keep.empty() ? fs::path(tmpl) : keep;
  if (!keep.empty()) fs::remove(tmpl);
  fs::create_directories(dir);

  std::fprintf(stderr, "making the call (flite, ffmpeg) in %s ...\n", dir.c_str());
  const std::vector<Track> tracks = MakeCall(dir);

  double t0 = CpuSeconds();
  auto made = asr::MakePocketSphinxRecognizer();
  const double load_cpu = CpuSeconds() - t0;
  if (!made) Die(made.error().message);
  asr::SpeechRecognizer& recognizer = **made;

  std::vector<Figures> figures;
  const MachineCpu m0 = MachineCpu::Now();
  const double sequential_c0 = CpuSeconds(), sequential_w0 = WallSeconds();
  for (const Track& track : tracks) {
    std::fprintf(stderr, "transcribing %s (%d runs) ...\n", track.opus.filename().c_str(), runs);
    figures.push_back(Measure(recognizer, track, runs));
  }

  const double sequential_cpu = CpuSeconds() - sequential_c0;
  const double sequential_wall = WallSeconds() - sequential_w0;
  const double sequential_busy = MachineCpu::Now().BusyPercentSince(m0);

  // Both tracks at once, as two job workers would: the second decoder is loaded first (warm).
  {
    std::vector<std::int16_t> warm(16'000, 0);
    std::thread a([&] { (void)recognizer.Recognize(warm, 0, "en"); });
    std::thread b([&] { (void)recognizer.Recognize(warm, 0, "en"); });
    a.join();
    b.join();
  }
  const MachineCpu m1 = MachineCpu::Now();
  const double c0 = CpuSeconds(), w0 = WallSeconds();
  std::vector<std::thread> workers;
  for (const Track& track : tracks) {
    workers.emplace_back([&recognizer, &track] {
      auto t = asr::TranscribeOpusFile(recognizer, track.opus, 0, "en");
      if (!t) Die(t.error().message);
    });
  }
  for (auto& w : workers) w.join();
  const double both_cpu = CpuSeconds() - c0, both_wall = WallSeconds() - w0;
  const double both_busy = MachineCpu::Now().BusyPercentSince(m1);

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);

  const double call_s = tracks[0].seconds;
  std::printf(
      "\nCall: %.1f s, %zu turns; tracks Ogg Opus 48 kHz mono 28 kbit/s; pocketsphinx "
      "en-us (Debian), %d runs per track (median; pipeline range in brackets)\n\n",
      call_s, kScript.size(), runs);
  std::printf(
      "| track | audio s | speech in script / kept by VAD | regions | decode CPU-s/s | "
      "VAD CPU-s/s | pipeline CPU-s/s | per s kept by VAD | pipeline wall s | WER | "
      "words in own turns |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
  double total_audio = 0, total_cpu = 0, total_decode = 0, total_vad = 0;
  std::size_t total_ref = 0, total_err = 0;
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    const Track& t = tracks[i];
    const Figures& f = figures[i];
    std::printf(
        "| %s | %.1f | %.0f %% / %.0f %% | %d | %.4f | %.5f | %.3f (%.3f-%.3f) | %.3f | "
        "%.1f | %.1f %% (%zu/%zu) | %.1f %% |\n",
        kRole[i], t.seconds, 100.0 * t.speech_ms / (t.seconds * 1000),
        100.0 * f.transcription.speech_ms / (t.seconds * 1000), f.transcription.regions,
        f.decode_cpu / t.seconds, f.vad_cpu / t.seconds, f.pipeline_cpu / t.seconds,
        f.pipeline_cpu_min / t.seconds, f.pipeline_cpu_max / t.seconds,
        f.pipeline_cpu / (f.transcription.speech_ms / 1000.0), f.pipeline_wall,
        100.0 * f.errors / f.ref_words, f.errors, f.ref_words, 100.0 * f.words_in_own_turns);
    total_audio += t.seconds;
    total_cpu += f.pipeline_cpu;
    total_decode += f.decode_cpu;
    total_vad += f.vad_cpu;
    total_ref += f.ref_words;
    total_err += f.errors;
  }
  std::printf(
      "| both, one after the other | %.1f | | | %.4f | %.5f | %.3f | | | %.1f %% (%zu/%zu) "
      "| |\n",
      total_audio, total_decode / total_audio, total_vad / total_audio, total_cpu / total_audio,
      100.0 * total_err / total_ref, total_err, total_ref);
  std::printf(
      "\n| both tracks at once (2 threads) | CPU-s | CPU-s per s of audio | wall s | "
      "wall / call length |\n|---|---|---|---|---|\n");
  std::printf("| %.1f s call | %.1f | %.3f | %.1f | %.2f |\n", call_s, both_cpu,
              both_cpu / total_audio, both_wall, both_wall / call_s);
  // Wall times mean little when something else was busy: say how busy the machine was.
  std::printf(
      "\nMachine busy (/proc/stat, %% of one core, %u cores): %.0f %% during the runs one "
      "after the other (this process %.0f %%), %.0f %% with both at once (this process "
      "%.0f %%).\n",
      std::thread::hardware_concurrency(), sequential_busy,
      100.0 * sequential_cpu / sequential_wall, both_busy, 100.0 * both_cpu / both_wall);
  std::printf(
      "\nShares of the pipeline's CPU: decode %.1f %%, VAD %.2f %%, recognition %.1f %%. "
      "Model load (one decoder, once per process): %.2f CPU-s. Max RSS %.0f MB.\n",
      100.0 * total_decode / total_cpu, 100.0 * total_vad / total_cpu,
      100.0 * (total_cpu - total_decode - total_vad) / total_cpu, load_cpu,
      static_cast<double>(usage.ru_maxrss) / 1024.0);
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    std::string hyp;
    for (const auto& s : figures[i].transcription.recognition.segments) hyp += s.text + " | ";
    std::fprintf(stderr, "\n%s heard: %s\n", kRole[i], hyp.c_str());
  }
  if (keep.empty()) fs::remove_all(dir);
  return 0;
}
