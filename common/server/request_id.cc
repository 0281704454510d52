#include "common/server/request_id.h"

#include <openssl/rand.h>

#include <array>
#include <random>

#include "absl/strings/escaping.h"

namespace crm::common {
namespace {

constexpr size_t kMaxRequestIdLength = 128;

}  // namespace

bool IsValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (char c : id) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::string GenerateRequestId() {
  std::array<unsigned char, 16> bytes;
  if (RAND_bytes(bytes.data(), bytes.size()) != 1) {
    // OpenSSL's generator failing is practically impossible; an id only has
    // to be unique, not secret, so the OS source is an adequate fallback.
    std::random_device device;
    for (unsigned char& byte : bytes) byte = static_cast<unsigned char>(device());
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string SuppliedRequestId(
    const std::multimap<grpc::string_ref, grpc::string_ref>& client_metadata) {
  auto it = client_metadata.find(
      grpc::string_ref(kRequestIdMetadataKey.data(), kRequestIdMetadataKey.size()));
  if (it == client_metadata.end()) return "";
  std::string_view id(it->second.data(), it->second.size());
  return IsValidRequestId(id) ? std::string(id) : "";
}

std::string RequestIdFor(const std::multimap<grpc::string_ref, grpc::string_ref>& client_metadata) {
  std::string id = SuppliedRequestId(client_metadata);
  return id.empty() ? GenerateRequestId() : id;
}

}  // namespace crm::common
