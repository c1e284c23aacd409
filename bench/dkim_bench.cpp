// Micro-benchmarks of DKIM (src/mailauth/dkim): signing and verifying with RSA-2048 and
// Ed25519 on a 10 KB and a 1 MB message, and relaxed canonicalisation throughput (RFC 6376
// 3.4.2 headers, 3.4.4 body). Verification uses verify_with() and a lookup that returns the
// key record from memory, so DNS is not measured. Keys are generated once per process.
// Build: cmake --build --preset release --target heron_micro_bench (not part of `make test`).
// Run:   ./build/release/bench/heron_micro_bench --benchmark_filter=Dkim

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "mailauth/dkim/canon.hpp"
#include "mailauth/dkim/keys.hpp"
#include "mailauth/dkim/sign.hpp"
#include "mailauth/dkim/verify.hpp"

namespace {

using namespace heron::mailauth::dkim;

constexpr int64_t kNow = 1700000000;

struct BenchKey {
  SigningKey signing;
  std::string txt;  // the record published at <selector>._domainkey.<domain>
};

const BenchKey& key(KeyType type) {
  auto make = [](KeyType t) {
    auto generated = generate_key(t, 2048);
    if (!generated) std::abort();
    BenchKey k;
    k.signing.domain = "example.com";
    k.signing.selector = t == KeyType::rsa ? "rsa" : "ed";
    k.signing.algorithm = t == KeyType::rsa ? Algorithm::rsa_sha256 : Algorithm::ed25519_sha256;
    k.signing.private_key = generated->private_pem;
    k.txt = generated->txt_record;
    return k;
  };
  static const BenchKey rsa = make(KeyType::rsa);
  static const BenchKey ed = make(KeyType::ed25519);
  return type == KeyType::rsa ? rsa : ed;
}

// A plain-text message of about `size` bytes, CRLF line ends; some lines carry runs of blanks
// and trailing blanks so relaxed canonicalisation has work to do.
std::string message(size_t size) {
  std::string m =
      "From: Alice <alice@example.com>\r\nTo: Bob <bob@example.net>\r\n"
      "Subject:   a   benchmark\r\n message \r\nDate: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
      "Message-ID: <bench@example.com>\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
  const std::string lines[] = {
      "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n",
      "Ut enim  ad minim veniam,\tquis nostrud exercitation ullamco laboris nisi ut  \r\n",
      "\r\n",
  };
  for (size_t i = 0; m.size() < size; ++i) m += lines[i % 3];
  return m;
}

const std::string& message_of(int64_t size) {
  static const std::string small = message(10 * 1024);
  static const std::string large = message(1024 * 1024);
  return size <= 10 * 1024 ? small : large;
}

KeyType type_of(int64_t arg) {
  return arg == 0 ? KeyType::rsa : KeyType::ed25519;
}

void label(benchmark::State& state) {
  state.SetLabel(std::string(state.range(0) == 0 ? "rsa-2048" : "ed25519") + " " +
                 (state.range(1) <= 10 * 1024 ? "10KB" : "1MB"));
}

void BM_DkimSign(benchmark::State& state) {
  const BenchKey& k = key(type_of(state.range(0)));
  const std::string& msg = message_of(state.range(1));
  const std::vector<SigningKey> keys{k.signing};
  for (auto _ : state) {
    auto fields = sign(msg, keys, kNow);
    if (!fields) {
      state.SkipWithError(fields.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(fields);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(msg.size()));
  label(state);
}

void BM_DkimVerify(benchmark::State& state) {
  const BenchKey& k = key(type_of(state.range(0)));
  const std::string& msg = message_of(state.range(1));
  auto fields = sign(msg, {k.signing}, kNow);
  if (!fields) {
    state.SkipWithError(fields.error().message.c_str());
    return;
  }
  const std::string signed_message = fields->front() + msg;
  const std::string name = k.signing.selector + "._domainkey." + k.signing.domain;
  const TxtLookup lookup = [&](const std::string& query) {
    heron::dns::Answer<std::string> answer;
    if (query == name) {
      answer.status = heron::dns::Status::ok;
      answer.records = {k.txt};
    } else {
      answer.status = heron::dns::Status::nxdomain;
    }
    return answer;
  };
  const auto first = verify_with(signed_message, lookup, kNow);
  if (first.size() != 1 || first.front().status != Status::pass) {
    state.SkipWithError("the signature does not verify");
    return;
  }
  for (auto _ : state) {
    auto results = verify_with(signed_message, lookup, kNow);
    benchmark::DoNotOptimize(results);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(signed_message.size()));
  label(state);
}

void BM_DkimCanonRelaxed(benchmark::State& state) {
  const std::string& msg = message_of(state.range(0));
  const SplitMessage split = split_message(msg);
  int64_t bytes = static_cast<int64_t>(split.body.size());
  for (const HeaderField& f : split.fields) bytes += static_cast<int64_t>(f.raw.size());
  for (auto _ : state) {
    for (const HeaderField& f : split.fields) {
      auto h = canon_header(Canon::relaxed, f.raw);
      benchmark::DoNotOptimize(h);
    }
    auto body = canon_body(Canon::relaxed, split.body);
    benchmark::DoNotOptimize(body);
  }
  state.SetBytesProcessed(state.iterations() * bytes);
  state.SetLabel(state.range(0) <= 10 * 1024 ? "10KB" : "1MB");
}

void sizes_and_keys(benchmark::internal::Benchmark* b) {
  b->ArgNames({"key", "bytes"});  // key 0: RSA-2048, 1: Ed25519 (also in the label)
  for (int64_t type : {0, 1}) {
    for (int64_t size : {int64_t{10 * 1024}, int64_t{1024 * 1024}}) b->Args({type, size});
  }
}

BENCHMARK(BM_DkimSign)->Apply(sizes_and_keys)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DkimVerify)->Apply(sizes_and_keys)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DkimCanonRelaxed)
    ->ArgName("bytes")
    ->Arg(10 * 1024)
    ->Arg(1024 * 1024)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
