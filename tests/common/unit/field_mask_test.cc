#include "common/api/field_mask.h"

#include <gmock/gmock.h>
#include <google/protobuf/api.pb.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/type.pb.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <string>

namespace crm::common {
namespace {

using namespace std::string_literals;
using ::google::protobuf::FieldMask;
using ::google::protobuf::Option;
using ::google::protobuf::Type;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// google.protobuf.Type stands in for a resource: a scalar (name), repeated
// scalars (oneofs), repeated messages (fields, options), a singular message
// (source_context) and an enum (syntax). `options` plays the immutable field.
const absl::flat_hash_set<std::string> kUpdatable = {"name", "fields", "oneofs", "source_context",
                                                     "syntax"};

FieldMask Mask(std::initializer_list<std::string> paths) {
  FieldMask mask;
  for (const std::string& path : paths) mask.add_paths(path);
  return mask;
}

Type FullType() {
  Type type;
  type.set_name("crm.Old");
  type.add_fields()->set_name("old_field");
  type.add_fields()->set_name("other_field");
  type.add_oneofs("old_a");
  type.add_oneofs("old_b");
  type.add_options()->set_name("deprecated");
  type.mutable_source_context()->set_file_name("old.proto");
  type.set_syntax(google::protobuf::SYNTAX_PROTO3);
  return type;
}

void ExpectInvalid(const FieldMask& mask, const std::string& message) {
  const absl::Status status = ValidateUpdateMask(mask, *Type::descriptor(), kUpdatable);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << mask.DebugString();
  EXPECT_EQ(status.message(), message) << mask.DebugString();
}

TEST(ValidateUpdateMaskTest, AcceptsUpdatableTopLevelAndNestedPaths) {
  for (const FieldMask& mask :
       {Mask({"name"}), Mask({"name", "fields", "oneofs"}), Mask({"source_context"}),
        Mask({"source_context.file_name"}), Mask({"source_context", "source_context.file_name"}),
        Mask({"name", "name"}), Mask({"*"})}) {
    EXPECT_TRUE(ValidateUpdateMask(mask, *Type::descriptor(), kUpdatable).ok())
        << mask.DebugString();
  }
}

TEST(ValidateUpdateMaskTest, EmptyMaskAsksForTheFields) {
  ExpectInvalid(FieldMask(),
                R"(update_mask: must list the fields to update (or "*" for all updatable fields))");
}

TEST(ValidateUpdateMaskTest, UnknownFieldsAreNamedWithTheMessageType) {
  ExpectInvalid(Mask({"foo"}), R"(update_mask: unknown field "foo" in google.protobuf.Type)");
  ExpectInvalid(Mask({"name", "foo"}),
                R"(update_mask: unknown field "foo" in google.protobuf.Type)");
  ExpectInvalid(Mask({"source_context.foo"}),
                R"(update_mask: unknown field "source_context.foo" in google.protobuf.Type)");
  ExpectInvalid(Mask({"Name"}), R"(update_mask: unknown field "Name" in google.protobuf.Type)");
  ExpectInvalid(Mask({"sourceContext"}),
                R"(update_mask: unknown field "sourceContext" in google.protobuf.Type)");
}

TEST(ValidateUpdateMaskTest, FieldsThatCannotBeUpdatedAreNamed) {
  ExpectInvalid(Mask({"options"}), R"(update_mask: field "options" cannot be updated)");
  ExpectInvalid(Mask({"name", "options"}), R"(update_mask: field "options" cannot be updated)");
}

TEST(ValidateUpdateMaskTest, ANestedUpdatablePathDoesNotOpenItsParent) {
  const absl::flat_hash_set<std::string> updatable = {"source_context.file_name"};
  EXPECT_TRUE(
      ValidateUpdateMask(Mask({"source_context.file_name"}), *Type::descriptor(), updatable).ok());
  EXPECT_EQ(ValidateUpdateMask(Mask({"source_context"}), *Type::descriptor(), updatable).message(),
            R"(update_mask: field "source_context" cannot be updated)");
}

TEST(ValidateUpdateMaskTest, SubFieldsOnlyExistUnderSingularMessages) {
  ExpectInvalid(Mask({"fields.name"}),
                R"(update_mask: field "fields.name" goes into "fields", which is not a single )"
                R"(message and has no sub-fields)");
  ExpectInvalid(Mask({"name.length"}),
                R"(update_mask: field "name.length" goes into "name", which is not a single )"
                R"(message and has no sub-fields)");
  ExpectInvalid(Mask({"source_context.file_name.x"}),
                R"(update_mask: field "source_context.file_name.x" goes into "file_name", which )"
                R"(is not a single message and has no sub-fields)");
}

TEST(ValidateUpdateMaskTest, MalformedPathsAreRejectedSafely) {
  for (const std::string& path :
       {""s, "."s, "name."s, ".name"s, "source_context..file_name"s, "name "s, " name"s, "na\nme"s,
        "name\0"s, "*.name"s, "name.*"s, "n\xFF"s, "'; DROP TABLE customers; --"s,
        std::string(10000, 'a')}) {
    const absl::Status status = ValidateUpdateMask(Mask({path}), *Type::descriptor(), kUpdatable);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << testing::PrintToString(path);
    EXPECT_THAT(std::string(status.message()), StartsWith("update_mask: "));
    EXPECT_EQ(status.message().find('\n'), absl::string_view::npos);
    EXPECT_LT(status.message().size(), 300u);
  }
}

TEST(ValidateUpdateMaskTest, WildcardMustStandAlone) {
  ExpectInvalid(Mask({"*", "name"}), R"(update_mask: "*" must be the only path)");
  ExpectInvalid(Mask({"name", "*"}), R"(update_mask: "*" must be the only path)");
  ExpectInvalid(Mask({"*", "*"}), R"(update_mask: "*" must be the only path)");
}

TEST(ValidateUpdateMaskTest, WildcardWithAMisspelledUpdatablePathIsAServerBug) {
  const absl::Status status =
      ValidateUpdateMask(Mask({"*"}), *Type::descriptor(), {"name", "nmae"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(status.message()), HasSubstr("\"nmae\""));
}

TEST(ExpandMaskTest, WildcardBecomesTheSortedUpdatablePaths) {
  EXPECT_THAT(ExpandMask(Mask({"*"}), kUpdatable),
              ElementsAre("fields", "name", "oneofs", "source_context", "syntax"));
  EXPECT_THAT(ExpandMask(Mask({"oneofs", "name"}), kUpdatable), ElementsAre("oneofs", "name"));
  EXPECT_THAT(ExpandMask(Mask({}), kUpdatable), ElementsAre());
}

TEST(ApplyUpdateMaskTest, SetsMaskedFieldsAndLeavesTheRestUntouched) {
  Type target = FullType();
  Type patch;
  patch.set_name("crm.New");
  patch.add_oneofs("ignored");  // not in the mask
  patch.add_options()->set_name("ignored");

  ASSERT_TRUE(ApplyUpdateMask(patch, Mask({"name"}), kUpdatable, &target).ok());

  Type expected = FullType();
  expected.set_name("crm.New");
  EXPECT_TRUE(MessageDifferencer::Equals(target, expected)) << target.DebugString();
}

TEST(ApplyUpdateMaskTest, MaskedFieldsAbsentFromThePatchAreCleared) {
  Type target = FullType();
  ASSERT_TRUE(ApplyUpdateMask(Type(),
                              Mask({"name", "fields", "oneofs", "source_context", "syntax"}),
                              kUpdatable, &target)
                  .ok());

  Type expected;
  expected.add_options()->set_name("deprecated");  // outside the mask
  EXPECT_TRUE(MessageDifferencer::Equals(target, expected)) << target.DebugString();
  EXPECT_FALSE(target.has_source_context());
  EXPECT_EQ(target.syntax(), google::protobuf::SYNTAX_PROTO2);
}

TEST(ApplyUpdateMaskTest, RepeatedFieldsAreReplacedNotAppended) {
  Type target = FullType();
  Type patch;
  patch.add_oneofs("new_c");
  patch.add_fields()->set_name("new_field");

  ASSERT_TRUE(ApplyUpdateMask(patch, Mask({"oneofs", "fields"}), kUpdatable, &target).ok());

  EXPECT_THAT(target.oneofs(), ElementsAre("new_c"));
  ASSERT_EQ(target.fields_size(), 1);
  EXPECT_EQ(target.fields(0).name(), "new_field");
}

TEST(ApplyUpdateMaskTest, MessageFieldsAreReplacedNotMerged) {
  // google.protobuf.Option has a singular message field with two fields: value (Any).
  Option target;
  target.set_name("kept");
  target.mutable_value()->set_type_url("type.googleapis.com/old");
  target.mutable_value()->set_value("old bytes");
  Option patch;
  patch.mutable_value()->set_type_url("type.googleapis.com/new");

  ASSERT_TRUE(ApplyUpdateMask(patch, Mask({"value"}), {"value"}, &target).ok());

  EXPECT_EQ(target.name(), "kept");
  EXPECT_EQ(target.value().type_url(), "type.googleapis.com/new");
  EXPECT_EQ(target.value().value(), "") << "a merge would have kept the old bytes";
}

TEST(ApplyUpdateMaskTest, NestedPathsChangeOnlyThatSubField) {
  Option target;
  target.mutable_value()->set_type_url("type.googleapis.com/old");
  target.mutable_value()->set_value("old bytes");
  Option patch;
  patch.mutable_value()->set_type_url("type.googleapis.com/new");
  patch.mutable_value()->set_value("ignored");

  ASSERT_TRUE(ApplyUpdateMask(patch, Mask({"value.type_url"}), {"value"}, &target).ok());

  EXPECT_EQ(target.value().type_url(), "type.googleapis.com/new");
  EXPECT_EQ(target.value().value(), "old bytes");
}

TEST(ApplyUpdateMaskTest, NestedPathCanClearASubField) {
  Type target = FullType();
  ASSERT_TRUE(
      ApplyUpdateMask(Type(), Mask({"source_context.file_name"}), kUpdatable, &target).ok());
  EXPECT_EQ(target.source_context().file_name(), "");
  EXPECT_EQ(target.name(), "crm.Old");
}

TEST(ApplyUpdateMaskTest, MapFieldsAreReplacedWhole) {
  google::protobuf::Struct target;
  (*target.mutable_fields())["a"].set_number_value(1);
  (*target.mutable_fields())["b"].set_number_value(2);
  google::protobuf::Struct patch;
  (*patch.mutable_fields())["c"].set_number_value(3);

  ASSERT_TRUE(ApplyUpdateMask(patch, Mask({"fields"}), {"fields"}, &target).ok());

  ASSERT_EQ(target.fields_size(), 1);
  EXPECT_EQ(target.fields().at("c").number_value(), 3);
}

TEST(ApplyUpdateMaskTest, WildcardReplacesEveryUpdatableFieldOnly) {
  Type target = FullType();
  Type patch;
  patch.set_name("crm.New");
  patch.add_oneofs("new");
  patch.add_options()->set_name("not updatable");

  ASSERT_TRUE(ApplyUpdateMask(patch, Mask({"*"}), kUpdatable, &target).ok());

  Type expected;
  expected.set_name("crm.New");
  expected.add_oneofs("new");
  expected.add_options()->set_name("deprecated");
  EXPECT_TRUE(MessageDifferencer::Equals(target, expected)) << target.DebugString();
}

TEST(ApplyUpdateMaskTest, InvalidMaskChangesNothing) {
  Type target = FullType();
  Type patch;
  patch.set_name("crm.New");
  patch.add_options()->set_name("sneaky");

  for (const FieldMask& mask :
       {Mask({"name", "options"}), Mask({"name", "foo"}), Mask({}), Mask({"name", "*"})}) {
    const absl::Status status = ApplyUpdateMask(patch, mask, kUpdatable, &target);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << mask.DebugString();
    EXPECT_TRUE(MessageDifferencer::Equals(target, FullType())) << target.DebugString();
  }
}

TEST(ApplyUpdateMaskTest, PatchOfAnotherTypeIsAServerBug) {
  Type target = FullType();
  google::protobuf::Api patch;
  patch.set_name("crm.New");
  const absl::Status status = ApplyUpdateMask(patch, Mask({"name"}), kUpdatable, &target);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(MessageDifferencer::Equals(target, FullType()));
}

}  // namespace
}  // namespace crm::common
