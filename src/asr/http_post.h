#pragma once
// Internal to asr: one HTTP/1.1 POST with a single deadline over the whole exchange (name
// lookup, connect, sending, the answer).
//
// Why not net::HttpRequest: its timeout is SO_RCVTIMEO/SO_SNDTIMEO on a blocking Asio socket,
// and Asio's blocking read, on the EAGAIN those produce, goes back to poll() without a timeout
// (boost/asio/detail/impl/socket_ops.ipp, sync_recv1): a server that accepts and then never
// answers holds the caller until the peer closes (measured: a 300 ms timeout waited 5 s, for
// as long as the peer stayed open). A transcription server that hangs on a GPU would hold a
// job worker for good. This belongs in net; it is here until net's client gets a deadline.
//
// Blocking; thread-safe (no shared state: each call has its own io_context and socket).

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "net/http_client.h"

namespace vitrina::asr::internal {

// Sends `body` to `url` (http:// only; net::ParseUrl) and returns the answer, whatever its
// status. Errors: kInvalidArgument "invalid_url"; kUnavailable "upstream_unavailable" when the
// server cannot be reached, drops the connection, sends something that is not HTTP, or has not
// answered in full within `timeout` (the message says which, never the headers' values).
// The answer's body is capped at 64 MiB.
[[nodiscard]] base::Result<net::HttpClientResponse> PostWithDeadline(
    const std::string& url, std::string body,
    const std::vector<std::pair<std::string, std::string>>& headers,
    std::chrono::milliseconds timeout);

}  // namespace vitrina::asr::internal
