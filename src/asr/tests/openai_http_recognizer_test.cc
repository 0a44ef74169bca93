// The OpenAI-compatible HTTP backend against a fake transcription server in the test process
// (Boost.Beast on 127.0.0.1:0): what it sends, how it reads the verbose_json shapes of OpenAI,
// faster-whisper-server and whisper.cpp's server, and how it fails. Also the language router.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>

#include "asr/speech_recognizer.h"

namespace vitrina::asr {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

// ---- A fake server -------------------------------------------------------------------------

struct SeenRequest {
  std::string method;
  std::string target;
  std::string content_type;
  std::string authorization;
  std::string body;
};

struct Reply {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
};

// Serves each connection on its own thread with `handler` (one request per connection: the
// client asks for Connection: close). Handlers may call WaitForRelease() to hold their answer
// until the test calls Release() (the destructor releases too, then joins every thread).
class FakeServer {
 public:
  using Handler = std::function<Reply(const SeenRequest&)>;

  explicit FakeServer(Handler handler)
      : handler_(std::move(handler)),
        acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }

  ~FakeServer() {
    Release();
    stopping_ = true;
    {  // wake the blocking accept() with a connection of our own
      tcp::socket wake(ioc_);
      boost::system::error_code ec;
      wake.connect(acceptor_.local_endpoint(), ec);
    }
    accept_thread_.join();  // no more connections after this
    std::vector<std::thread> connections;
    {
      std::lock_guard lock(mu_);
      connections.swap(connections_);
    }
    for (std::thread& t : connections) t.join();  // not under mu_: they take it to finish
  }

  std::string Url(const std::string& path = "/v1/audio/transcriptions") const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + path;
  }

  int requests() const { return requests_; }

  // Requests being handled right now, and the most there ever were at once.
  int max_in_flight() const {
    std::lock_guard lock(mu_);
    return max_in_flight_;
  }
  void WaitForInFlight(int n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return in_flight_ >= n; });
  }

  void WaitForRelease() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return released_; });
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  void AcceptLoop() {
    for (;;) {
      tcp::socket socket(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (stopping_) return;
      if (ec) continue;
      std::lock_guard lock(mu_);
      connections_.emplace_back([this, s = std::move(socket)]() mutable { Serve(std::move(s)); });
    }
  }

  void Serve(tcp::socket socket) {
    boost::beast::flat_buffer buffer;
    http::request_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    boost::system::error_code ec;
    http::read(socket, buffer, parser, ec);
    if (ec) return;
    const auto& req = parser.get();
    ++requests_;
    {
      std::lock_guard lock(mu_);
      max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
      cv_.notify_all();
    }
    const Reply reply =
        handler_(SeenRequest{std::string(req.method_string()), std::string(req.target()),
                             std::string(req[http::field::content_type]),
                             std::string(req[http::field::authorization]), req.body()});
    {
      std::lock_guard lock(mu_);
      --in_flight_;
    }
    http::response<http::string_body> res(static_cast<http::status>(reply.status), 11);
    res.set(http::field::content_type, reply.content_type);
    res.keep_alive(false);
    res.body() = reply.body;
    res.prepare_payload();
    http::write(socket, res, ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
  }

  Handler handler_;
  asio::io_context ioc_;  // sync operations only: never run()
  tcp::acceptor acceptor_;
  std::atomic<bool> stopping_ = false;
  std::atomic<int> requests_ = 0;
  std::thread accept_thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::thread> connections_;  // guarded by mu_
  int in_flight_ = 0;                     // guarded by mu_
  int max_in_flight_ = 0;                 // guarded by mu_
  bool released_ = false;                 // guarded by mu_
};

// ---- Reading what the recognizer sent ------------------------------------------------------

struct Part {
  std::string name;
  std::string filename;
  std::string content_type;
  std::string value;
};

std::vector<Part> ParseMultipart(const std::string& content_type, const std::string& body) {
  std::vector<Part> parts;
  const std::string prefix = "multipart/form-data; boundary=";
  EXPECT_EQ(content_type.rfind(prefix, 0), 0u) << content_type;
  const std::string delimiter = "--" + content_type.substr(prefix.size());
  std::size_t at = body.find(delimiter);
  EXPECT_EQ(at, 0u);
  while (at != std::string::npos) {
    at += delimiter.size();
    if (body.compare(at, 4, "--\r\n") == 0) {
      EXPECT_EQ(at + 4, body.size()) << "bytes after the closing delimiter";
      return parts;
    }
    EXPECT_EQ(body.compare(at, 2, "\r\n"), 0);
    const std::size_t headers_end = body.find("\r\n\r\n", at);
    const std::size_t next = body.find("\r\n" + delimiter, headers_end);
    if (headers_end == std::string::npos || next == std::string::npos) break;
    Part part;
    part.value = body.substr(headers_end + 4, next - headers_end - 4);
    const std::string headers = body.substr(at + 2, headers_end - at - 2);
    auto quoted = [&](const std::string& key) {
      const std::size_t k = headers.find(key + "=\"");
      if (k == std::string::npos) return std::string();
      const std::size_t from = k + key.size() + 2;
      return headers.substr(from, headers.find('"', from) - from);
    };
    EXPECT_EQ(headers.rfind("Content-Disposition: form-data; name=\"", 0), 0u) << headers;
    part.name = quoted("name");
    part.filename = quoted("filename");
    if (const std::size_t ct = headers.find("\r\nContent-Type: "); ct != std::string::npos) {
      part.content_type = headers.substr(ct + 16);
    }
    parts.push_back(std::move(part));
    at = next + 2;
  }
  ADD_FAILURE() << "unterminated multipart body";
  return parts;
}

std::vector<std::string> Values(const std::vector<Part>& parts, const std::string& name) {
  std::vector<std::string> out;
  for (const Part& p : parts) {
    if (p.name == name) out.push_back(p.value);
  }
  return out;
}

std::uint32_t Le(const std::string& s, std::size_t at, int bytes) {
  std::uint32_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v |= std::uint32_t{static_cast<unsigned char>(s[at + i])} << 8 * i;
  return v;
}

// Checks the canonical 16 kHz mono 16-bit WAV and returns its samples.
std::vector<std::int16_t> ReadWav(const std::string& wav) {
  EXPECT_GE(wav.size(), 44u);
  if (wav.size() < 44) return {};
  EXPECT_EQ(wav.substr(0, 4), "RIFF");
  EXPECT_EQ(Le(wav, 4, 4), wav.size() - 8);
  EXPECT_EQ(wav.substr(8, 8), "WAVEfmt ");
  EXPECT_EQ(Le(wav, 16, 4), 16u);
  EXPECT_EQ(Le(wav, 20, 2), 1u) << "PCM";
  EXPECT_EQ(Le(wav, 22, 2), 1u) << "mono";
  EXPECT_EQ(Le(wav, 24, 4), 16'000u) << "sample rate";
  EXPECT_EQ(Le(wav, 28, 4), 32'000u) << "byte rate";
  EXPECT_EQ(Le(wav, 32, 2), 2u) << "block align";
  EXPECT_EQ(Le(wav, 34, 2), 16u) << "bits";
  EXPECT_EQ(wav.substr(36, 4), "data");
  const std::uint32_t bytes = Le(wav, 40, 4);
  EXPECT_EQ(bytes, wav.size() - 44);
  std::vector<std::int16_t> samples((wav.size() - 44) / 2);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    samples[i] = static_cast<std::int16_t>(Le(wav, 44 + 2 * i, 2));
  }
  return samples;
}

// 3 s of a deterministic non-silent signal: the WAV check compares every sample.
std::vector<std::int16_t> Pcm(double seconds = 3.0) {
  std::vector<std::int16_t> pcm(static_cast<std::size_t>(seconds * kSampleRate));
  for (std::size_t i = 0; i < pcm.size(); ++i) {
    pcm[i] = static_cast<std::int16_t>(static_cast<int>((i * 7919) % 60'001) - 30'000);
  }
  return pcm;
}

OpenAiHttpOptions Options(const std::string& url, const std::string& language = "en") {
  OpenAiHttpOptions options;
  OpenAiHttpModel model;
  model.url = url;
  model.model = "large-v3";
  options.languages[language] = model;
  return options;
}

std::unique_ptr<SpeechRecognizer> Make(OpenAiHttpOptions options) {
  auto made = MakeOpenAiHttpRecognizer(std::move(options));
  EXPECT_TRUE(made) << made.error().message;
  return made ? std::move(*made) : nullptr;
}

std::vector<std::string> Texts(const Segment& s) {
  std::vector<std::string> out;
  for (const Word& w : s.words) out.push_back(w.text);
  return out;
}

// Every segment well formed: words in order, not overlapping, inside [from, to).
void ExpectWellFormed(const Recognition& r, std::int64_t from, std::int64_t to) {
  std::int64_t previous_end = from;
  for (const Segment& s : r.segments) {
    ASSERT_FALSE(s.words.empty());
    EXPECT_EQ(s.start_ms, s.words.front().start_ms);
    EXPECT_EQ(s.end_ms, s.words.back().end_ms);
    EXPECT_GE(s.confidence, 0.0);
    EXPECT_LE(s.confidence, 1.0);
    std::string text;
    for (const Word& w : s.words) {
      EXPECT_GE(w.start_ms, previous_end) << w.text;
      EXPECT_LT(w.start_ms, w.end_ms) << w.text;
      EXPECT_LE(w.end_ms, to) << w.text;
      EXPECT_FALSE(w.text.empty());
      EXPECT_NE(w.text.front(), ' ');
      text += (text.empty() ? "" : " ") + w.text;
      previous_end = w.end_ms;
    }
    EXPECT_EQ(s.text, text);
  }
}

// ---- What is sent --------------------------------------------------------------------------

TEST(OpenAiHttpRecognizerTest, SendsTheChunkAsAWavInAMultipartForm) {
  std::mutex mu;
  SeenRequest seen;
  FakeServer server([&](const SeenRequest& req) {
    std::lock_guard lock(mu);
    seen = req;
    return Reply{200, R"({"text":"","segments":[],"words":[]})"};
  });
  OpenAiHttpOptions options = Options(server.Url(), "ru");
  options.languages["ru"].api_key = "sk-test-123";
  options.languages["ru"].model = "whisper-1";
  auto recognizer = Make(options);
  ASSERT_NE(recognizer, nullptr);

  const auto pcm = Pcm(2.5);
  auto r = recognizer->Recognize(pcm, 7'000, "ru-RU");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->engine, "openai-http");
  EXPECT_EQ(r->model, "whisper-1");
  EXPECT_EQ(r->language, "ru");
  EXPECT_TRUE(r->segments.empty());

  std::lock_guard lock(mu);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/v1/audio/transcriptions");
  EXPECT_EQ(seen.authorization, "Bearer sk-test-123");
  const auto parts = ParseMultipart(seen.content_type, seen.body);
  EXPECT_EQ(Values(parts, "model"), std::vector<std::string>{"whisper-1"});
  EXPECT_EQ(Values(parts, "language"), std::vector<std::string>{"ru"});  // the primary subtag
  EXPECT_EQ(Values(parts, "response_format"), std::vector<std::string>{"verbose_json"});
  EXPECT_EQ(Values(parts, "timestamp_granularities[]"),
            (std::vector<std::string>{"word", "segment"}));
  EXPECT_EQ(Values(parts, "temperature"), std::vector<std::string>{"0"});
  const auto file =
      std::find_if(parts.begin(), parts.end(), [](const Part& p) { return p.name == "file"; });
  ASSERT_NE(file, parts.end());
  EXPECT_EQ(file->filename, "audio.wav");
  EXPECT_EQ(file->content_type, "audio/wav");
  const auto samples = ReadWav(file->value);
  EXPECT_EQ(samples.size(), pcm.size());
  EXPECT_TRUE(samples == pcm) << "the WAV's samples differ from the PCM given";
}

TEST(OpenAiHttpRecognizerTest, NoKeyNoAuthorizationAndNoRequestForEmptyInput) {
  std::string authorization = "unset";
  FakeServer server([&](const SeenRequest& req) {
    authorization = req.authorization;
    return Reply{200, R"({"text":"","segments":[]})"};
  });
  auto recognizer = Make(Options(server.Url()));
  ASSERT_NE(recognizer, nullptr);
  // TranscribePcm's empty call (language check, engine and model for silent tracks): no request.
  auto empty = recognizer->Recognize({}, 0, "en");
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_EQ(empty->model, "large-v3");
  EXPECT_EQ(server.requests(), 0);
  ASSERT_TRUE(recognizer->Recognize(Pcm(0.5), 0, "EN"));
  EXPECT_EQ(server.requests(), 1);
  EXPECT_EQ(authorization, "");
}

// ---- The verbose_json shapes ---------------------------------------------------------------

// OpenAI: top-level words without probability or spaces, segments without words.
constexpr const char* kOpenAiAnswer = R"({
  "task": "transcribe", "language": "english", "duration": 3.0,
  "text": "Can you turn the camera? Thank you.",
  "words": [
    {"word": "Can", "start": 0.5, "end": 0.7}, {"word": "you", "start": 0.7, "end": 0.82},
    {"word": "turn", "start": 0.82, "end": 1.1}, {"word": "the", "start": 1.1, "end": 1.2},
    {"word": "camera", "start": 1.2, "end": 1.74},
    {"word": "Thank", "start": 2.5, "end": 2.7}, {"word": "you", "start": 2.7, "end": 2.9}],
  "segments": [
    {"id": 0, "seek": 0, "start": 0.4, "end": 1.9, "text": " Can you turn the camera?",
     "tokens": [1, 2, 3], "temperature": 0.0, "avg_logprob": -0.25, "compression_ratio": 1.1,
     "no_speech_prob": 0.02},
    {"id": 1, "seek": 0, "start": 2.4, "end": 3.0, "text": " Thank you.", "tokens": [4],
     "temperature": 0.0, "avg_logprob": -0.9, "compression_ratio": 1.0, "no_speech_prob": 0.93}]
})";

TEST(OpenAiHttpRecognizerTest, ReadsOpenAiTopLevelWordsIntoTheirSegments) {
  FakeServer server([](const SeenRequest&) { return Reply{200, kOpenAiAnswer}; });
  auto recognizer = Make(Options(server.Url()));
  ASSERT_NE(recognizer, nullptr);
  auto r = recognizer->Recognize(Pcm(3.0), 10'000, "en");
  ASSERT_TRUE(r) << r.error().message;
  // "Thank you." has no_speech_prob 0.93: Whisper's own verdict that it heard no speech.
  ASSERT_EQ(r->segments.size(), 1u);
  const Segment& s = r->segments[0];
  EXPECT_EQ(s.text, "Can you turn the camera");
  EXPECT_EQ(Texts(s), (std::vector<std::string>{"Can", "you", "turn", "the", "camera"}));
  EXPECT_EQ(s.words[0].start_ms, 10'500);
  EXPECT_EQ(s.words[0].end_ms, 10'700);
  EXPECT_EQ(s.words[4].start_ms, 11'200);
  EXPECT_EQ(s.words[4].end_ms, 11'740);
  EXPECT_EQ(s.start_ms, 10'500);
  EXPECT_EQ(s.end_ms, 11'740);
  // No word probabilities: the segment's exp(avg_logprob).
  for (const Word& w : s.words) EXPECT_NEAR(w.confidence, std::exp(-0.25), 1e-9) << w.text;
  EXPECT_NEAR(s.confidence, std::exp(-0.25), 1e-9);
  ExpectWellFormed(*r, 10'000, 13'000);
}

// faster-whisper-server: words inside segments, with leading spaces and probabilities, and
// again at the top level; "words": null where there are none.
constexpr const char* kFasterWhisperAnswer = R"({
  "task": "transcribe", "language": "en", "duration": 4.0,
  "text": "Hello there, how much? Five hundred.",
  "words": [
    {"start": 0.2, "end": 0.5, "word": " Hello", "probability": 0.91},
    {"start": 0.5, "end": 0.8, "word": " there,", "probability": 0.85},
    {"start": 0.9, "end": 1.1, "word": " how", "probability": 0.99},
    {"start": 1.1, "end": 1.5, "word": " much?", "probability": 0.6},
    {"start": 2.6, "end": 3.0, "word": " Five", "probability": 0.97},
    {"start": 3.0, "end": 3.4, "word": " hundred.", "probability": 0.95}],
  "segments": [
    {"id": 1, "seek": 0, "start": 0.0, "end": 2.0, "text": " Hello there, how much?",
     "tokens": [50364, 2425], "temperature": 0.0, "avg_logprob": -0.3,
     "compression_ratio": 1.2, "no_speech_prob": 0.01,
     "words": [
       {"start": 0.2, "end": 0.5, "word": " Hello", "probability": 0.91},
       {"start": 0.5, "end": 0.8, "word": " there,", "probability": 0.85},
       {"start": 0.9, "end": 1.1, "word": " how", "probability": 0.99},
       {"start": 1.1, "end": 1.5, "word": " much?", "probability": 0.6}]},
    {"id": 2, "seek": 0, "start": 2.0, "end": 2.5, "text": "", "tokens": [],
     "temperature": 0.0, "avg_logprob": -1.0, "compression_ratio": 0.0, "no_speech_prob": 0.1,
     "words": null},
    {"id": 3, "seek": 0, "start": 2.5, "end": 3.5, "text": " Five hundred.", "tokens": [1],
     "temperature": 0.0, "avg_logprob": -0.1, "compression_ratio": 1.0, "no_speech_prob": 0.05,
     "words": [
       {"start": 2.6, "end": 3.0, "word": " Five", "probability": 0.97},
       {"start": 3.0, "end": 3.4, "word": " hundred.", "probability": 0.95}]}]
})";

TEST(OpenAiHttpRecognizerTest, ReadsFasterWhisperSegmentWords) {
  FakeServer server([](const SeenRequest&) { return Reply{200, kFasterWhisperAnswer}; });
  auto recognizer = Make(Options(server.Url()));
  ASSERT_NE(recognizer, nullptr);
  auto r = recognizer->Recognize(Pcm(4.0), 1'000, "en");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->segments.size(), 2u);  // the one with empty text is skipped
  EXPECT_EQ(r->segments[0].text, "Hello there, how much?");
  EXPECT_EQ(r->segments[1].text, "Five hundred.");
  const auto& w = r->segments[0].words;
  ASSERT_EQ(w.size(), 4u);
  EXPECT_EQ(w[0].text, "Hello");
  EXPECT_EQ(w[0].start_ms, 1'200);
  EXPECT_EQ(w[0].end_ms, 1'500);
  EXPECT_DOUBLE_EQ(w[0].confidence, 0.91);
  EXPECT_DOUBLE_EQ(w[3].confidence, 0.6);
  EXPECT_EQ(w[3].end_ms, 2'500);
  EXPECT_EQ(r->segments[1].words[1].end_ms, 4'400);
  // Duration-weighted: (0.91*300 + 0.85*300 + 0.99*200 + 0.6*400) / 1200.
  EXPECT_NEAR(r->segments[0].confidence, (0.91 * 300 + 0.85 * 300 + 0.99 * 200 + 0.6 * 400) / 1200,
              1e-9);
  ExpectWellFormed(*r, 1'000, 5'000);
}

// whisper.cpp's server: segment "words" are sub-word tokens (a leading space starts a word),
// segments cut inside a word, a [BLANK_AUDIO] annotation, t_dtw.
constexpr const char* kWhisperCppAnswer = R"({
  "task": "transcribe", "language": "english", "duration": 3.5,
  "text": " Can you show the camera. [BLANK_AUDIO]",
  "segments": [
    {"id": 0, "text": " Can you show the cam", "start": 0.3, "end": 1.5, "tokens": [1, 2, 3, 4, 5],
     "words": [
       {"word": " Can", "start": 0.3, "end": 0.5, "t_dtw": -1, "probability": 0.9},
       {"word": " you", "start": 0.5, "end": 0.6, "t_dtw": -1, "probability": 0.8},
       {"word": " show", "start": 0.6, "end": 0.9, "t_dtw": -1, "probability": 0.7},
       {"word": " the", "start": 0.9, "end": 1.0, "t_dtw": -1, "probability": 0.95},
       {"word": " cam", "start": 1.0, "end": 1.3, "t_dtw": -1, "probability": 0.6}],
     "temperature": 0.0, "avg_logprob": -0.4, "no_speech_prob": 0.01},
    {"id": 1, "text": "era.", "start": 1.5, "end": 2.0, "tokens": [6, 7],
     "words": [
       {"word": "era", "start": 1.5, "end": 1.8, "t_dtw": -1, "probability": 0.8},
       {"word": ".", "start": 1.8, "end": 1.8, "t_dtw": -1, "probability": 0.99}],
     "temperature": 0.0, "avg_logprob": -0.2, "no_speech_prob": 0.02},
    {"id": 2, "text": " [BLANK_AUDIO]", "start": 2.0, "end": 3.5, "tokens": [8, 9, 10, 11],
     "words": [
       {"word": " [", "start": 2.0, "end": 2.1, "t_dtw": -1, "probability": 0.5},
       {"word": "BL", "start": 2.1, "end": 2.2, "t_dtw": -1, "probability": 0.5},
       {"word": "ANK", "start": 2.2, "end": 2.3, "t_dtw": -1, "probability": 0.5},
       {"word": "_AUDIO", "start": 2.3, "end": 2.4, "t_dtw": -1, "probability": 0.5},
       {"word": "]", "start": 2.4, "end": 2.5, "t_dtw": -1, "probability": 0.5}],
     "temperature": 0.0, "avg_logprob": -0.5, "no_speech_prob": 0.3}]
})";

TEST(OpenAiHttpRecognizerTest, JoinsWhisperCppTokensIntoWordsAndDropsAnnotations) {
  FakeServer server([](const SeenRequest&) { return Reply{200, kWhisperCppAnswer}; });
  auto recognizer = Make(Options(server.Url("/inference")));
  ASSERT_NE(recognizer, nullptr);
  auto r = recognizer->Recognize(Pcm(3.5), 0, "en");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->segments.size(), 1u);
  const Segment& s = r->segments[0];
  EXPECT_EQ(s.text, "Can you show the camera.");
  ASSERT_EQ(s.words.size(), 5u);
  const Word& camera = s.words[4];
  EXPECT_EQ(camera.text, "camera.");
  EXPECT_EQ(camera.start_ms, 1'000);
  EXPECT_EQ(camera.end_ms, 1'800);  // the last piece's end, in the next segment
  EXPECT_NEAR(camera.confidence, (0.6 + 0.8 + 0.99) / 3, 1e-9);  // mean over its pieces
  EXPECT_DOUBLE_EQ(s.words[0].confidence, 0.9);
  ExpectWellFormed(*r, 0, 3'500);
}

TEST(OpenAiHttpRecognizerTest, SegmentsWithoutWordTimesGetEstimatedWords) {
  FakeServer server([](const SeenRequest&) {
    return Reply{200, R"({"text": "one two three four", "segments": [
      {"start": 1.0, "end": 2.0, "text": " one two three", "avg_logprob": -0.5},
      {"start": 2.0, "end": 3.0, "text": " four"}]})"};
  });
  auto recognizer = Make(Options(server.Url()));
  ASSERT_NE(recognizer, nullptr);
  auto r = recognizer->Recognize(Pcm(3.0), 500, "en");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->segments.size(), 2u);
  const auto& w = r->segments[0].words;
  ASSERT_EQ(w.size(), 3u);
  // Spread over the segment by length (+1 each): 4, 4 and 6 of 14 parts of 1000 ms.
  EXPECT_EQ(w[0].start_ms, 1'500);
  EXPECT_EQ(w[1].start_ms, 1'500 + 286);
  EXPECT_EQ(w[2].start_ms, 1'500 + 571);
  EXPECT_EQ(w[2].end_ms, 2'500);
  EXPECT_NEAR(w[0].confidence, std::exp(-0.5), 1e-9);
  EXPECT_EQ(r->segments[1].text, "four");
  EXPECT_DOUBLE_EQ(r->segments[1].words[0].confidence, 0.5);  // nothing to go by
  ExpectWellFormed(*r, 500, 3'500);
}

TEST(OpenAiHttpRecognizerTest, OnlyTextIsSpreadOverTheChunkAndTimesAreClamped) {
  FakeServer server([](const SeenRequest& req) {
    if (req.target == "/plain") return Reply{200, R"({"text": " hello world"})"};
    // Whisper sometimes puts the last word past the end of the audio.
    return Reply{200, R"({"segments": [{"start": 0.0, "end": 9.0, "text": " late",
        "words": [{"word": " late", "start": 0.5, "end": 9.0, "probability": 0.7}]}]})"};
  });
  auto plain = Make(Options(server.Url("/plain")));
  auto late = Make(Options(server.Url("/late")));
  ASSERT_TRUE(plain && late);
  auto r = plain->Recognize(Pcm(2.0), 100, "en");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->segments.size(), 1u);
  EXPECT_EQ(r->segments[0].text, "hello world");
  EXPECT_EQ(r->segments[0].start_ms, 100);
  EXPECT_EQ(r->segments[0].end_ms, 2'100);
  auto l = late->Recognize(Pcm(2.0), 100, "en");
  ASSERT_TRUE(l) << l.error().message;
  ASSERT_EQ(l->segments.size(), 1u);
  EXPECT_EQ(l->segments[0].words[0].end_ms, 2'100);
}

// ---- Failures ------------------------------------------------------------------------------

TEST(OpenAiHttpRecognizerTest, ServerErrorsAreUnavailableAndNameTheStatus) {
  FakeServer server([](const SeenRequest& req) {
    if (req.target == "/auth") {
      return Reply{401, R"({"error":{"message":"Incorrect API key provided: sk-secret-9"}})"};
    }
    return Reply{500, R"({"error":{"message":"CUDA out of memory","type":"server_error"}})"};
  });
  auto recognizer = Make(Options(server.Url()));
  ASSERT_NE(recognizer, nullptr);
  auto r = recognizer->Recognize(Pcm(1.0), 0, "en");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, base::ErrorKind::kUnavailable);
  EXPECT_EQ(r.error().code, "asr_unavailable");
  EXPECT_NE(r.error().message.find("HTTP 500"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("CUDA out of memory"), std::string::npos) << r.error().message;

  OpenAiHttpOptions options = Options(server.Url("/auth"));
  options.languages["en"].api_key = "sk-secret-9";
  auto keyed = Make(options);
  ASSERT_NE(keyed, nullptr);
  auto denied = keyed->Recognize(Pcm(1.0), 0, "en");
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, "asr_unavailable");
  EXPECT_NE(denied.error().message.find("HTTP 401"), std::string::npos);
  // The key never shows, even when the server echoes it.
  EXPECT_EQ(denied.error().message.find("sk-secret-9"), std::string::npos)
      << denied.error().message;
  EXPECT_EQ(keyed->Describe().find("sk-secret-9"), std::string::npos);
}

TEST(OpenAiHttpRecognizerTest, AnswersThatAreNotVerboseJsonFail) {
  FakeServer server([](const SeenRequest& req) {
    if (req.target == "/html") return Reply{200, "<html>It works!</html>", "text/html"};
    if (req.target == "/shape") return Reply{200, R"({"segments": [{"start": "zero"}]})"};
    if (req.target == "/array") return Reply{200, R"([1, 2, 3])"};
    // whisper.cpp before 1.7 answered its errors with HTTP 200.
    return Reply{200, R"({"error":"failed to read WAV file"})"};
  });
  for (const std::string path : {"/html", "/shape", "/array", "/error"}) {
    auto recognizer = Make(Options(server.Url(path)));
    ASSERT_NE(recognizer, nullptr);
    auto r = recognizer->Recognize(Pcm(1.0), 0, "en");
    ASSERT_FALSE(r) << path;
    EXPECT_EQ(r.error().kind, base::ErrorKind::kInternal) << path;
    EXPECT_EQ(r.error().code, "asr_failed") << path;
  }
  auto shape = Make(Options(server.Url("/shape")))->Recognize(Pcm(1.0), 0, "en");
  ASSERT_FALSE(shape);
  EXPECT_NE(shape.error().message.find("segments[0].start"), std::string::npos)
      << shape.error().message;
  auto error = Make(Options(server.Url("/error")))->Recognize(Pcm(1.0), 0, "en");
  ASSERT_FALSE(error);
  EXPECT_NE(error.error().message.find("failed to read WAV file"), std::string::npos);
}

TEST(OpenAiHttpRecognizerTest, NoServerIsUnavailable) {
  std::string url;
  {
    FakeServer gone([](const SeenRequest&) { return Reply{}; });
    url = gone.Url();
  }  // closed: nothing listens on that port any more
  auto recognizer = Make(Options(url));
  ASSERT_NE(recognizer, nullptr);
  auto r = recognizer->Recognize(Pcm(1.0), 0, "en");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, base::ErrorKind::kUnavailable);
  EXPECT_EQ(r.error().code, "asr_unavailable");
  EXPECT_NE(r.error().message.find("connect"), std::string::npos) << r.error().message;
}

TEST(OpenAiHttpRecognizerTest, AServerThatNeverAnswersTimesOut) {
  // The server reads the request and holds its answer until the test is over: only the
  // recognizer's deadline can end the call.
  FakeServer silent([&silent](const SeenRequest&) {
    silent.WaitForRelease();
    return Reply{200, R"({"text":""})"};
  });
  OpenAiHttpOptions options = Options(silent.Url());
  options.languages["en"].timeout = std::chrono::milliseconds(200);
  auto recognizer = Make(options);
  ASSERT_NE(recognizer, nullptr);
  auto r = recognizer->Recognize(Pcm(1.0), 0, "en");
  silent.Release();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, base::ErrorKind::kUnavailable);
  EXPECT_EQ(r.error().code, "asr_unavailable");
  EXPECT_NE(r.error().message.find("within 200 ms"), std::string::npos) << r.error().message;
}

TEST(OpenAiHttpRecognizerTest, AtMostMaxConcurrentRequestsPerServer) {
  FakeServer server([&server](const SeenRequest&) {
    server.WaitForRelease();
    return Reply{200, kFasterWhisperAnswer};
  });
  OpenAiHttpOptions options = Options(server.Url(), "en");
  options.languages["en"].max_concurrent = 3;
  // Same host:port: the two languages share one limit, the smaller one.
  options.languages["de"] = options.languages["en"];
  options.languages["de"].max_concurrent = 2;
  auto recognizer = Make(options);
  ASSERT_NE(recognizer, nullptr);
  std::vector<Result<Recognition>> results(5, base::Internal("not run"));
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back(
        [&, i] { results[i] = recognizer->Recognize(Pcm(4.0), 0, i % 2 == 0 ? "en" : "de"); });
  }
  server.WaitForInFlight(2);  // two get through while the server holds them ...
  server.Release();           // ... and the others only as those finish
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->segments.size(), 2u);
  }
  EXPECT_EQ(server.requests(), 5);
  EXPECT_EQ(server.max_in_flight(), 2);
}

// ---- Configuration -------------------------------------------------------------------------

TEST(OpenAiHttpRecognizerTest, BadConfigurationFailsAtCreation) {
  auto expect_config_error = [](OpenAiHttpOptions options, const std::string& says) {
    auto made = MakeOpenAiHttpRecognizer(std::move(options));
    ASSERT_FALSE(made) << says;
    EXPECT_EQ(made.error().code, "asr_config");
    EXPECT_NE(made.error().message.find(says), std::string::npos) << made.error().message;
  };
  expect_config_error({}, "no languages");
  expect_config_error(Options("https://api.openai.com/v1/audio/transcriptions"),
                      "TLS-terminating proxy");
  expect_config_error(Options("ws://host:1/x"), "http://host");
  expect_config_error(Options("gpu-host:8080"), "http://host");
  OpenAiHttpOptions options = Options("http://gpu-host:8080/v1/audio/transcriptions");
  options.languages["en"].model = "";
  expect_config_error(options, "no model");
  options = Options("http://gpu-host:8080/v1/audio/transcriptions");
  options.languages["en"].max_concurrent = 0;
  expect_config_error(options, "max_concurrent");
  options = Options("http://gpu-host:8080/v1/audio/transcriptions");
  options.languages["en"].timeout = std::chrono::milliseconds(0);
  expect_config_error(options, "timeout");
  options = Options("http://gpu-host:8080/v1/audio/transcriptions");
  options.languages["EN"] = options.languages["en"];
  expect_config_error(options, "configured twice");
  options = Options("http://gpu-host:8080/v1/audio/transcriptions");
  options.languages[""] = options.languages["en"];
  expect_config_error(options, "empty language tag");
}

TEST(OpenAiHttpRecognizerTest, UnknownLanguageNamesTheConfiguredOnes) {
  OpenAiHttpOptions options = Options("http://127.0.0.1:9/v1/audio/transcriptions", "ru");
  options.languages["uk"] = options.languages["ru"];
  auto recognizer = Make(options);
  ASSERT_NE(recognizer, nullptr);
  auto r = recognizer->Recognize(Pcm(1.0), 0, "en-US");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, base::ErrorKind::kInvalidArgument);
  EXPECT_EQ(r.error().code, "unsupported_language");
  EXPECT_NE(r.error().message.find("\"en-US\""), std::string::npos);
  EXPECT_NE(r.error().message.find("configured: ru, uk"), std::string::npos) << r.error().message;
  EXPECT_EQ(recognizer->Describe(),
            "openai-http (ru: large-v3 at http://127.0.0.1:9/v1/audio/transcriptions, "
            "uk: large-v3 at http://127.0.0.1:9/v1/audio/transcriptions)");
}

// ---- The language router -------------------------------------------------------------------

// Records the calls it gets and answers with its name as the engine.
class Recording final : public SpeechRecognizer {
 public:
  explicit Recording(std::string name) : name_(std::move(name)) {}
  Result<Recognition> Recognize(std::span<const std::int16_t> pcm, std::int64_t offset_ms,
                                const std::string& language) override {
    std::lock_guard lock(mu_);
    calls_.push_back(language + "@" + std::to_string(offset_ms) + "/" + std::to_string(pcm.size()));
    return Recognition{name_, "m", language, {}};
  }
  std::string Describe() const override { return name_; }
  std::vector<std::string> calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  const std::string name_;
  mutable std::mutex mu_;
  std::vector<std::string> calls_;
};

TEST(LanguageRouterTest, EachLanguageGoesToItsRecognizer) {
  auto en = std::make_shared<Recording>("sphinx");
  auto ru = std::make_shared<Recording>("whisper");
  auto made = MakeLanguageRouter({{"en", en}, {"RU", ru}, {"uk", ru}});
  ASSERT_TRUE(made) << made.error().message;
  SpeechRecognizer& router = **made;
  const std::vector<std::int16_t> pcm(160);

  auto a = router.Recognize(pcm, 5, "en-US");
  auto b = router.Recognize(pcm, 6, "ru");
  auto c = router.Recognize(pcm, 7, "UK_ua");
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->engine, "sphinx");
  EXPECT_EQ(b->engine, "whisper");
  EXPECT_EQ(c->engine, "whisper");
  // The chosen recognizer gets the caller's tag as it was.
  EXPECT_EQ(en->calls(), std::vector<std::string>{"en-US@5/160"});
  EXPECT_EQ(ru->calls(), (std::vector<std::string>{"ru@6/160", "UK_ua@7/160"}));

  auto d = router.Recognize(pcm, 0, "de");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, "unsupported_language");
  EXPECT_NE(d.error().message.find("configured: en, ru, uk"), std::string::npos)
      << d.error().message;
  EXPECT_EQ(router.Describe(), "by language (en -> sphinx; ru -> whisper; uk -> whisper)");
}

TEST(LanguageRouterTest, RoutesToARealHttpBackend) {
  FakeServer server([](const SeenRequest&) { return Reply{200, kFasterWhisperAnswer}; });
  auto made_http = MakeOpenAiHttpRecognizer(Options(server.Url(), "ru"));
  ASSERT_TRUE(made_http) << made_http.error().message;
  auto en = std::make_shared<Recording>("sphinx");
  auto router = MakeLanguageRouter(
      {{"en", en}, {"ru", std::shared_ptr<SpeechRecognizer>(std::move(*made_http))}});
  ASSERT_TRUE(router) << router.error().message;
  auto r = (*router)->Recognize(Pcm(4.0), 0, "ru-RU");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->engine, "openai-http");
  EXPECT_EQ(r->language, "ru");
  EXPECT_EQ(r->segments.size(), 2u);
  EXPECT_TRUE(en->calls().empty());
}

TEST(LanguageRouterTest, BadRoutesFailAtCreation) {
  auto en = std::make_shared<Recording>("sphinx");
  EXPECT_EQ(MakeLanguageRouter({}).error().code, "asr_config");
  EXPECT_EQ(MakeLanguageRouter({{"en", nullptr}}).error().code, "asr_config");
  EXPECT_EQ(MakeLanguageRouter({{"", en}}).error().code, "asr_config");
  auto twice = MakeLanguageRouter({{"en", en}, {"EN", en}});
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("twice"), std::string::npos);
}

}  // namespace
}  // namespace vitrina::asr
