// Contract tests: the API rules of DESIGN.md §2 hold for every RPC, message,
// field and enum of every .proto file in protos/ (crm/proto_manifest.h), as
// compiled into the generated descriptor pool. The ContractRules* tests prove
// each rule flags a violation, so the contract tests can fail.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "contract_rules.h"
#include "crm/proto_manifest.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/text_format.h"

namespace crm::contract {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

// Every file of the contract, from the generated pool.
Files ContractFiles() {
  Files files;
  for (std::string_view name : kProtoFiles) {
    const auto* file =
        google::protobuf::DescriptorPool::generated_pool()->FindFileByName(std::string(name));
    if (file != nullptr) files.push_back(file);
  }
  return files;
}

TEST(ContractTest, EveryProtoFileIsInTheGeneratedPool) {
  for (std::string_view name : kProtoFiles) {
    EXPECT_NE(google::protobuf::DescriptorPool::generated_pool()->FindFileByName(std::string(name)),
              nullptr)
        << name << " is not registered: is crm_protos linked whole-archive?";
  }
}

TEST(ContractTest, EveryServicePackageHasServices) {
  for (std::string_view package :
       {"crm.customer.v1", "crm.supplier.v1", "crm.partner.v1", "crm.gateway.v1"}) {
    int services = 0;
    for (const auto* file : ContractFiles()) {
      if (file->package() == package) services += file->service_count();
    }
    EXPECT_GT(services, 0) << package;
  }
}

TEST(ContractTest, EveryRpcRequiresAKnownScope) {
  EXPECT_THAT(CheckRequiredScopes(ContractFiles()), IsEmpty());
}

TEST(ContractTest, EveryCreateAndWorkflowStartTakesARequestId) {
  EXPECT_THAT(CheckRequestIds(ContractFiles()), IsEmpty());
}

TEST(ContractTest, EveryListIsPaginated) {
  EXPECT_THAT(CheckListPagination(ContractFiles()), IsEmpty());
}

TEST(ContractTest, EveryUpdateTakesAFieldMask) {
  EXPECT_THAT(CheckUpdateMasks(ContractFiles()), IsEmpty());
}

TEST(ContractTest, EveryResourceWithAnEtagHasNameAsFieldOne) {
  EXPECT_THAT(CheckEtagResourcesAreNamed(ContractFiles()), IsEmpty());
}

TEST(ContractTest, EveryDeleteOfAnEtaggedResourceTakesTheEtag) {
  EXPECT_THAT(CheckDeleteEtags(ContractFiles()), IsEmpty());
}

TEST(ContractTest, EveryEnumStartsWithUnspecified) {
  EXPECT_THAT(CheckEnumZeroValues(ContractFiles()), IsEmpty());
}

TEST(ContractTest, MoneyFieldsUseMoney) {
  EXPECT_THAT(CheckMoneyFields(ContractFiles()), IsEmpty());
}

TEST(ContractTest, TimeFieldsUseTimestamp) {
  EXPECT_THAT(CheckTimeFields(ContractFiles()), IsEmpty());
}

TEST(ContractTest, DateFieldsUseDate) { EXPECT_THAT(CheckDateFields(ContractFiles()), IsEmpty()); }

// A small package breaking every rule once, next to a compliant twin of each
// broken element, built into its own pool.
constexpr std::string_view kBrokenFile = R"pb(
  name: "broken/v1/broken.proto"
  package: "broken.v1"
  syntax: "proto3"
  dependency: "google/protobuf/timestamp.proto"
  dependency: "google/protobuf/field_mask.proto"
  dependency: "crm/common/v1/money.proto"
  dependency: "crm/common/v1/date.proto"
  dependency: "crm/common/v1/annotations.proto"
  message_type {
    name: "Widget"
    field { name: "etag" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
    field { name: "name" number: 2 type: TYPE_STRING label: LABEL_OPTIONAL }
    field { name: "unit_price" number: 3 type: TYPE_INT64 label: LABEL_OPTIONAL }
    field {
      name: "list_price"
      number: 4
      type: TYPE_MESSAGE
      type_name: ".crm.common.v1.Money"
      label: LABEL_OPTIONAL
    }
    field { name: "ship_time" number: 5 type: TYPE_STRING label: LABEL_OPTIONAL }
    field {
      name: "create_time"
      number: 6
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.Timestamp"
      label: LABEL_OPTIONAL
    }
    field {
      name: "shipped"
      number: 7
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.Timestamp"
      label: LABEL_OPTIONAL
    }
    field { name: "due_date" number: 8 type: TYPE_STRING label: LABEL_OPTIONAL }
    field {
      name: "start_date"
      number: 9
      type: TYPE_MESSAGE
      type_name: ".crm.common.v1.Date"
      label: LABEL_OPTIONAL
    }
    field {
      name: "unit_cost"
      number: 10
      type: TYPE_MESSAGE
      type_name: ".broken.v1.UnitCost"
      label: LABEL_OPTIONAL
    }
    field {
      name: "total_cost"
      number: 11
      type: TYPE_MESSAGE
      type_name: ".broken.v1.Gadget"
      label: LABEL_OPTIONAL
    }
    enum_type {
      name: "Color"
      value { name: "COLOR_NONE" number: 0 }
    }
  }
  message_type { name: "UnitCost" }
  message_type {
    name: "Gadget"
    field { name: "name" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
    field { name: "etag" number: 2 type: TYPE_STRING label: LABEL_OPTIONAL }
  }
  enum_type {
    name: "Size"
    value { name: "SIZE_SMALL" number: 0 }
  }
  enum_type {
    name: "Shape"
    value { name: "SHAPE_UNSPECIFIED" number: 0 }
  }
  message_type {
    name: "Request"
    field { name: "page_size" number: 1 type: TYPE_INT64 label: LABEL_OPTIONAL }
    field { name: "update_mask" number: 2 type: TYPE_STRING label: LABEL_OPTIONAL }
  }
  message_type {
    name: "GoodRequest"
    field { name: "request_id" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
    field { name: "page_size" number: 2 type: TYPE_INT32 label: LABEL_OPTIONAL }
    field { name: "page_token" number: 3 type: TYPE_STRING label: LABEL_OPTIONAL }
    field { name: "etag" number: 4 type: TYPE_STRING label: LABEL_OPTIONAL }
    field {
      name: "update_mask"
      number: 5
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.FieldMask"
      label: LABEL_OPTIONAL
    }
  }
  message_type { name: "Response" }
  message_type {
    name: "GoodResponse"
    field { name: "next_page_token" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
  }
  service {
    name: "WidgetService"
    method { name: "GetWidget" input_type: ".broken.v1.Request" output_type: ".broken.v1.Response" }
    method {
      name: "GetGadget"
      input_type: ".broken.v1.Request"
      output_type: ".broken.v1.Response"
      options {
        [crm.common.v1.required_scope]: "gadgets.read"
      }
    }
    method {
      name: "ListWidgets"
      input_type: ".broken.v1.Request"
      output_type: ".broken.v1.Response"
      options {
        [crm.common.v1.required_scope]: "customers.read"
      }
    }
    method {
      name: "ListGadgets"
      input_type: ".broken.v1.GoodRequest"
      output_type: ".broken.v1.GoodResponse"
      options {
        [crm.common.v1.required_scope]: "customers.read"
      }
    }
    method {
      name: "CreateWidget"
      input_type: ".broken.v1.Request"
      output_type: ".broken.v1.Response"
    }
    method {
      name: "CreateGadget"
      input_type: ".broken.v1.GoodRequest"
      output_type: ".broken.v1.Response"
    }
    method {
      name: "StartPainting"
      input_type: ".broken.v1.Request"
      output_type: ".broken.v1.Response"
    }
    method {
      name: "UpdateWidget"
      input_type: ".broken.v1.Request"
      output_type: ".broken.v1.Response"
    }
    method {
      name: "UpdateGadget"
      input_type: ".broken.v1.GoodRequest"
      output_type: ".broken.v1.Response"
    }
    method {
      name: "DeleteWidget"
      input_type: ".broken.v1.Request"
      output_type: ".broken.v1.Response"
    }
    method {
      name: "DeleteGadget"
      input_type: ".broken.v1.GoodRequest"
      output_type: ".broken.v1.Response"
    }
    method {
      name: "DeleteSprocket"
      input_type: ".broken.v1.GoodRequest"
      output_type: ".broken.v1.Response"
    }
  }
)pb";

class ContractRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (std::string_view dependency :
         {"google/protobuf/descriptor.proto", "google/protobuf/timestamp.proto",
          "google/protobuf/field_mask.proto", "crm/common/v1/money.proto",
          "crm/common/v1/date.proto", "crm/common/v1/annotations.proto"}) {
      google::protobuf::FileDescriptorProto proto;
      google::protobuf::DescriptorPool::generated_pool()
          ->FindFileByName(std::string(dependency))
          ->CopyTo(&proto);
      ASSERT_NE(pool_.BuildFile(proto), nullptr) << dependency;
    }
    google::protobuf::FileDescriptorProto broken;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(std::string(kBrokenFile), &broken));
    const auto* file = pool_.BuildFile(broken);
    ASSERT_NE(file, nullptr);
    files_ = {file};
  }

  google::protobuf::DescriptorPool pool_;
  Files files_;
};

TEST_F(ContractRulesTest, FlagsMissingAndUnknownScopes) {
  Violations violations = CheckRequiredScopes(files_);
  EXPECT_THAT(violations,
              Contains(HasSubstr("broken.v1.WidgetService.GetWidget: no required_scope")));
  EXPECT_THAT(violations, Contains(AllOf(HasSubstr("broken.v1.WidgetService.GetGadget"),
                                         HasSubstr("unknown required_scope \"gadgets.read\""))));
  EXPECT_THAT(violations, Not(Contains(HasSubstr("ListWidgets"))));
  EXPECT_THAT(violations, Not(Contains(HasSubstr("ListGadgets"))));
}

TEST_F(ContractRulesTest, FlagsCreateAndStartWithoutRequestId) {
  EXPECT_THAT(
      CheckRequestIds(files_),
      ElementsAre(
          HasSubstr("WidgetService.CreateWidget: broken.v1.Request has no string request_id"),
          HasSubstr("WidgetService.StartPainting: broken.v1.Request has no string request_id")));
}

TEST_F(ContractRulesTest, FlagsListWithoutPagination) {
  EXPECT_THAT(
      CheckListPagination(files_),
      ElementsAre(HasSubstr("ListWidgets: broken.v1.Request has no int32 page_size"),
                  HasSubstr("ListWidgets: broken.v1.Request has no string page_token"),
                  HasSubstr("ListWidgets: broken.v1.Response has no string next_page_token")));
}

TEST_F(ContractRulesTest, FlagsUpdateWithoutFieldMask) {
  EXPECT_THAT(CheckUpdateMasks(files_),
              ElementsAre(HasSubstr(
                  "UpdateWidget: broken.v1.Request has no google.protobuf.FieldMask update_mask")));
}

TEST_F(ContractRulesTest, FlagsEtaggedMessageWithoutNameFirst) {
  EXPECT_THAT(
      CheckEtagResourcesAreNamed(files_),
      ElementsAre(HasSubstr("broken.v1.Widget: has an etag but field 1 is not `string name`")));
}

TEST_F(ContractRulesTest, FlagsDeleteWithoutEtagOrResource) {
  EXPECT_THAT(CheckDeleteEtags(files_),
              ElementsAre(HasSubstr("DeleteWidget: broken.v1.Request has no string etag"),
                          HasSubstr("DeleteSprocket: no resource message broken.v1.Sprocket")));
}

TEST_F(ContractRulesTest, FlagsEnumsWithoutUnspecifiedZero) {
  Violations violations = CheckEnumZeroValues(files_);
  EXPECT_THAT(violations, SizeIs(2));
  EXPECT_THAT(violations, Contains(HasSubstr("broken.v1.Size: zero value")));
  EXPECT_THAT(violations, Contains(HasSubstr("broken.v1.Widget.Color: zero value")));
}

// `UnitCost unit_cost` holds a resource named like the field and is allowed.
TEST_F(ContractRulesTest, FlagsMoneyFieldsNotUsingMoney) {
  EXPECT_THAT(
      CheckMoneyFields(files_),
      ElementsAre(
          HasSubstr("broken.v1.Widget.unit_price: money field is not crm.common.v1.Money"),
          HasSubstr("broken.v1.Widget.total_cost: money field is not crm.common.v1.Money")));
}

TEST_F(ContractRulesTest, FlagsTimeFieldsNotUsingTimestampAndTimestampsNotNamedTime) {
  EXPECT_THAT(
      CheckTimeFields(files_),
      ElementsAre(
          HasSubstr("broken.v1.Widget.ship_time: *_time field is not google.protobuf.Timestamp"),
          HasSubstr("broken.v1.Widget.shipped: Timestamp field is not named *_time")));
}

TEST_F(ContractRulesTest, FlagsDateFieldsNotUsingDate) {
  EXPECT_THAT(
      CheckDateFields(files_),
      ElementsAre(HasSubstr("broken.v1.Widget.due_date: *_date field is not crm.common.v1.Date")));
}

}  // namespace
}  // namespace crm::contract
