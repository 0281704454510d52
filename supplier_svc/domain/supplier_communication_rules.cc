#include "supplier_svc/domain/supplier_communication_rules.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/api/order_by.h"
#include "common/api/quote.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "common/api/validator.h"

namespace crm::supplier {
namespace {

using common::Validator;
using Kind = common::FilterValueKind;

bool IsCollection(std::string_view segment) {
  if (segment.empty() || !absl::ascii_islower(segment[0])) return false;
  for (char c : segment) {
    if (!absl::ascii_isalnum(c)) return false;
  }
  return true;
}

bool IsResourceId(std::string_view segment) {
  if (segment.empty()) return false;
  for (char c : segment) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

// "collection/id(/collection/id)*".
bool IsResourceName(std::string_view name) {
  std::vector<std::string> segments = absl::StrSplit(std::string(name), '/');
  if (segments.size() < 2 || segments.size() % 2 != 0) return false;
  for (size_t i = 0; i < segments.size(); i += 2) {
    if (!IsCollection(segments[i]) || !IsResourceId(segments[i + 1])) return false;
  }
  return true;
}

const std::vector<common::FilterField<CommunicationColumn>>& CommunicationFields() {
  static const auto* const fields = new std::vector<common::FilterField<CommunicationColumn>>{
      {"channel", CommunicationColumn::kChannel, Kind::kEnum,
       v1::CommunicationChannel_descriptor()},
      {"direction", CommunicationColumn::kDirection, Kind::kEnum,
       v1::CommunicationDirection_descriptor()},
      {"author", CommunicationColumn::kAuthor, Kind::kText},
      {"occur_time", CommunicationColumn::kOccurTime, Kind::kTime},
      {"related_resources", CommunicationColumn::kRelatedResource, Kind::kExact},
  };
  return *fields;
}

}  // namespace

absl::Status NormalizeCommunication(v1::SupplierCommunication& communication, absl::Time now) {
  const std::string kPrefix = "supplier_communication.";
  auto field = [&](std::string_view name) { return absl::StrCat(kPrefix, std::string(name)); };
  Validator v;
  v.Check(common::ValidateEnum(field("channel"), communication.channel(),
                               *v1::CommunicationChannel_descriptor()));
  v.Check(common::ValidateEnum(field("direction"), communication.direction(),
                               *v1::CommunicationDirection_descriptor(),
                               /*allow_unspecified=*/true));
  v.Check(common::ValidateRequiredText(field("subject"), communication.subject(),
                                       kMaxCommunicationSubjectChars));
  v.Check(common::ValidateLength(field("summary"), communication.summary(), 0,
                                 kMaxCommunicationSummaryChars));
  v.Check(common::ValidateLength(field("contact_name"), communication.contact_name(), 0,
                                 kMaxCommunicationPersonChars));
  v.Check(common::ValidateLength(field("author"), communication.author(), 0,
                                 kMaxCommunicationPersonChars));
  if (communication.has_occur_time()) {
    v.Check(common::ValidateTimestamp(field("occur_time"), communication.occur_time()));
  }
  if (!v.ok()) return v.status();
  if (communication.has_occur_time() &&
      common::FromProtoTimestamp(communication.occur_time()) > now + kMaxOccurTimeSkew) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: %s is in the future; record a communication once it has happened", field("occur_time"),
        absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ",
                         common::FromProtoTimestamp(communication.occur_time()),
                         absl::UTCTimeZone())));
  }
  if (communication.related_resources_size() > kMaxRelatedResources) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: at most %d resources, got %d", field("related_resources"),
                        kMaxRelatedResources, communication.related_resources_size()));
  }
  std::set<std::string_view> seen;
  for (int i = 0; i < communication.related_resources_size(); ++i) {
    const std::string& resource = communication.related_resources(i);
    const std::string path = absl::StrCat(kPrefix, "related_resources[", i, "]");
    if (resource.size() > kMaxRelatedResourceChars || !IsResourceName(resource)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: %s is not a resource name (expected e.g. purchaseOrders/12 or contracts/3)", path,
          common::QuoteValue(resource)));
    }
    if (!seen.insert(resource).second) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: %s is listed twice", path, common::QuoteValue(resource)));
    }
  }
  if (!communication.has_occur_time()) {
    *communication.mutable_occur_time() = common::ToProtoTimestamp(now);
  } else {
    // MySQL keeps microseconds.
    const absl::Time occur = common::FromProtoTimestamp(communication.occur_time());
    *communication.mutable_occur_time() =
        common::ToProtoTimestamp(absl::FromUnixMicros(absl::ToUnixMicros(occur)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<CommunicationCondition>> ParseCommunicationFilter(
    std::string_view filter) {
  return common::ResolveFilter<CommunicationColumn>(filter, CommunicationFields());
}

absl::Status ParseCommunicationOrder(std::string_view order_by, CommunicationOrder& order,
                                     bool& descending) {
  if (absl::StripAsciiWhitespace(std::string(order_by)).empty()) {
    order = CommunicationOrder::kOccurTime;
    descending = true;
    return absl::OkStatus();
  }
  absl::StatusOr<common::OrderBy> parsed =
      common::ParseOrderBy(order_by, {"occur_time", "create_time"});
  if (!parsed.ok()) return parsed.status();
  order = parsed->field == 0 ? CommunicationOrder::kOccurTime : CommunicationOrder::kCreateTime;
  descending = parsed->descending;
  return absl::OkStatus();
}

}  // namespace crm::supplier
