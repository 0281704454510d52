// Supplier communication rules without a database: field validation and
// defaults, related resource names, filters and order_by.
#include "supplier_svc/domain/supplier_communication_rules.h"

#include <string>

#include "common/api/time_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crm::supplier {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1710504000);  // 2024-03-15T12:00:00Z

v1::SupplierCommunication Valid() {
  v1::SupplierCommunication c;
  c.set_channel(v1::COMMUNICATION_CHANNEL_PORTAL);
  c.set_subject("Delivery schedule");
  return c;
}

TEST(NormalizeCommunicationTest, DefaultsOccurTimeToNowAndKeepsDirectionUnset) {
  v1::SupplierCommunication c = Valid();
  ASSERT_TRUE(NormalizeCommunication(c, kNow).ok());
  EXPECT_EQ(common::FromProtoTimestamp(c.occur_time()), kNow);
  EXPECT_EQ(c.direction(), v1::COMMUNICATION_DIRECTION_UNSPECIFIED);
}

TEST(NormalizeCommunicationTest, AcceptsResourceNamesAndRejectsOthersNamingTheIndex) {
  v1::SupplierCommunication c = Valid();
  c.add_related_resources("purchaseOrders/12");
  c.add_related_resources("customers/1/interactions/7");
  EXPECT_TRUE(NormalizeCommunication(c, kNow).ok());
  for (const std::string bad : {"purchaseOrders", "/12", "purchaseOrders/", "PurchaseOrders/1",
                                "a/1/b", "contracts/3 ", "contracts/\xC3\xA9"}) {
    v1::SupplierCommunication spoiled = Valid();
    spoiled.add_related_resources("contracts/1");
    spoiled.add_related_resources(bad);
    absl::Status status = NormalizeCommunication(spoiled, kNow);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(status.message()),
                HasSubstr("supplier_communication.related_resources[1]"))
        << bad;
  }
  v1::SupplierCommunication many = Valid();
  for (int i = 1; i <= kMaxRelatedResources + 1; ++i) {
    many.add_related_resources("contracts/" + std::to_string(i));
  }
  EXPECT_THAT(std::string(NormalizeCommunication(many, kNow).message()), HasSubstr("at most 50"));
}

TEST(NormalizeCommunicationTest, RejectsFutureOccurTimesBeyondTheSkew) {
  v1::SupplierCommunication c = Valid();
  *c.mutable_occur_time() = common::ToProtoTimestamp(kNow + kMaxOccurTimeSkew);
  EXPECT_TRUE(NormalizeCommunication(c, kNow).ok());
  *c.mutable_occur_time() = common::ToProtoTimestamp(kNow + kMaxOccurTimeSkew + absl::Seconds(1));
  absl::Status status = NormalizeCommunication(c, kNow);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      std::string(status.message()),
      HasSubstr("supplier_communication.occur_time: 2024-03-15T12:05:01Z is in the future"));
}

TEST(CommunicationOrderTest, DefaultsToNewestOccurTimeFirst) {
  CommunicationOrder order = CommunicationOrder::kCreateTime;
  bool descending = false;
  ASSERT_TRUE(ParseCommunicationOrder("", order, descending).ok());
  EXPECT_EQ(order, CommunicationOrder::kOccurTime);
  EXPECT_TRUE(descending);
  ASSERT_TRUE(ParseCommunicationOrder("occur_time", order, descending).ok());
  EXPECT_FALSE(descending);
  ASSERT_TRUE(ParseCommunicationOrder("create_time desc", order, descending).ok());
  EXPECT_EQ(order, CommunicationOrder::kCreateTime);
  EXPECT_TRUE(descending);
  EXPECT_EQ(ParseCommunicationOrder("subject", order, descending).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CommunicationFilterTest, ResolvesTheDocumentedFields) {
  auto conditions = ParseCommunicationFilter(
      "channel = EMAIL AND direction = INBOUND AND author : \"ann\" AND "
      "related_resources = \"contracts/3\" AND occur_time > \"2024-01-01T00:00:00Z\"");
  ASSERT_TRUE(conditions.ok()) << conditions.status();
  ASSERT_EQ(conditions->size(), 5u);
  EXPECT_EQ(std::get<int64_t>((*conditions)[0].value), v1::COMMUNICATION_CHANNEL_EMAIL);
  EXPECT_EQ(std::get<int64_t>((*conditions)[1].value), v1::COMMUNICATION_DIRECTION_INBOUND);
  EXPECT_EQ((*conditions)[2].match, common::Match::kContains);
  EXPECT_EQ(std::get<std::string>((*conditions)[3].value), "contracts/3");
  EXPECT_EQ(std::get<std::string>((*conditions)[4].value), "2024-01-01 00:00:00.000000");
  EXPECT_FALSE(ParseCommunicationFilter("channel = FAX").ok());
  EXPECT_FALSE(ParseCommunicationFilter("summary : x").ok());
}

}  // namespace
}  // namespace crm::supplier
