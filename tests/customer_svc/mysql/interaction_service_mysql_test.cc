// InteractionService with the MySQL repository against a fresh TestDatabase
// schema carrying customer_svc's migrations.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/time_util.h"
#include "customer_svc/domain/interaction_service.h"
#include "customer_svc/repository/mysql_interaction_repository.h"
#include "tests/customer_svc/mysql/customer_db_test.h"

namespace crm::customer {
namespace {

using ::crm::test_support::IsOk;
using ::testing::HasSubstr;

std::string Message(const absl::Status& status) { return std::string(status.message()); }

class InteractionServiceMySqlTest : public CustomerDbTest {
 protected:
  InteractionServiceMySqlTest()
      : CustomerDbTest("support", absl::FromUnixSeconds(1700000000) + absl::Hours(24)),
        repository_(pool_),
        service_(repository_, [this] { return now_; }) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(CustomerDbTest::SetUp());
    customer_ = CreateCustomer("Acme").name();
  }

  static v1::Interaction Call(const std::string& subject) {
    v1::Interaction interaction;
    interaction.set_channel(v1::INTERACTION_CHANNEL_PHONE_CALL);
    interaction.set_direction(v1::INTERACTION_DIRECTION_INBOUND);
    interaction.set_subject(subject);
    return interaction;
  }

  absl::StatusOr<v1::Interaction> Create(const v1::Interaction& interaction,
                                         const std::string& parent = "",
                                         const std::string& request_id = "") {
    v1::CreateInteractionRequest request;
    request.set_parent(parent.empty() ? customer_ : parent);
    *request.mutable_interaction() = interaction;
    request.set_request_id(request_id);
    v1::CreateInteractionResponse response;
    absl::Status status = service_.CreateInteraction(call_, request, response);
    if (!status.ok()) return status;
    return response.interaction();
  }

  // Creates a call that happened at `occur` (seconds after now_).
  v1::Interaction CreateAt(const std::string& subject, int occur_offset_seconds,
                           const std::string& parent = "") {
    v1::Interaction interaction = Call(subject);
    *interaction.mutable_occur_time() =
        common::ToProtoTimestamp(base_ + absl::Seconds(occur_offset_seconds));
    absl::StatusOr<v1::Interaction> created = Create(interaction, parent);
    EXPECT_THAT(created, IsOk());
    now_ += absl::Milliseconds(10);
    return created.ok() ? *created : v1::Interaction();
  }

  absl::StatusOr<v1::Interaction> Get(const std::string& name) {
    v1::GetInteractionRequest request;
    request.set_name(name);
    v1::GetInteractionResponse response;
    absl::Status status = service_.GetInteraction(call_, request, response);
    if (!status.ok()) return status;
    return response.interaction();
  }

  // Every page of a listing, asserting each page holds at most `page_size`.
  std::vector<std::string> ListAll(const std::string& parent, const std::string& filter = "",
                                   const std::string& order_by = "", bool show_deleted = false,
                                   int page_size = 3) {
    std::vector<std::string> subjects;
    std::string token;
    int pages = 0;
    do {
      v1::ListInteractionsRequest request;
      request.set_parent(parent);
      request.set_page_size(page_size);
      request.set_filter(filter);
      request.set_order_by(order_by);
      request.set_show_deleted(show_deleted);
      request.set_page_token(token);
      v1::ListInteractionsResponse response;
      absl::Status status = service_.ListInteractions(call_, request, response);
      EXPECT_TRUE(status.ok()) << status;
      if (!status.ok()) break;
      EXPECT_LE(response.interactions_size(), page_size);
      for (const auto& interaction : response.interactions()) {
        subjects.push_back(interaction.subject());
      }
      token = response.next_page_token();
      EXPECT_LT(++pages, 100);
    } while (!token.empty() && pages < 100);
    return subjects;
  }

  MySqlInteractionRepository repository_;
  absl::Time base_ = absl::FromUnixSeconds(1700000000);
  InteractionService service_;
  std::string customer_;
};

TEST_F(InteractionServiceMySqlTest, CreateThenGetReturnsEveryFieldVerbatim) {
  v1::Interaction interaction = Call("Robert'); DROP TABLE interactions; --");
  interaction.set_summary(std::string(5000, 'x') + std::string(2500, 'A') +
                          "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \" ' \\ % _");
  interaction.set_sentiment(v1::SENTIMENT_NEGATIVE);
  interaction.set_employee("employees/42");
  interaction.add_participants("Zoë Ødegaard <zoe@example.com>");
  interaction.add_participants("'; DELETE FROM customers; --");
  interaction.add_related_resources("suppliers/42");
  interaction.add_related_resources("customers/1/serviceCases/4");
  interaction.set_etag("ignored");  // output only
  absl::StatusOr<v1::Interaction> created = Create(interaction);
  ASSERT_THAT(created, IsOk());
  EXPECT_THAT(created->name(), HasSubstr(absl::StrCat(customer_, "/interactions/")));
  EXPECT_EQ(created->subject(), interaction.subject());
  EXPECT_EQ(created->summary(), interaction.summary());
  EXPECT_EQ(created->participants(0), "Zoë Ødegaard <zoe@example.com>");
  EXPECT_EQ(created->participants(1), "'; DELETE FROM customers; --");
  EXPECT_EQ(created->related_resources_size(), 2);
  EXPECT_EQ(created->employee(), "employees/42");
  EXPECT_EQ(created->sentiment(), v1::SENTIMENT_NEGATIVE);
  EXPECT_NE(created->etag(), "ignored");
  // occur_time defaults to the creation time.
  EXPECT_EQ(common::FromProtoTimestamp(created->occur_time()), now_);
  EXPECT_EQ(common::FromProtoTimestamp(created->create_time()), now_);
  EXPECT_FALSE(created->has_delete_time());

  absl::StatusOr<v1::Interaction> got = Get(created->name());
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->SerializeAsString(), created->SerializeAsString());
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM audit_entries WHERE resource = '",
                               created->name(), "' AND action = 1")),
            1);
}

TEST_F(InteractionServiceMySqlTest, TenThousandCharacterUnicodeSummaryIsStoredVerbatim) {
  v1::Interaction interaction = Call("long");
  std::string summary;
  for (int i = 0; i < 10000; ++i) summary += (i % 2 ? "\xe2\x82\xac" : "\xf0\x9f\x98\x80");
  interaction.set_summary(summary);  // 10000 code points, 35000 bytes
  absl::StatusOr<v1::Interaction> created = Create(interaction);
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(Get(created->name())->summary(), summary);
  interaction.set_summary(summary + "x");
  absl::StatusOr<v1::Interaction> too_long = Create(interaction);
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(too_long.status()), HasSubstr("interaction.summary"));
}

TEST_F(InteractionServiceMySqlTest, CreateRejectsBadInputNamingTheFieldAndWritesNothing) {
  struct Case {
    v1::Interaction interaction;
    std::string expected;
  };
  std::vector<Case> cases;
  cases.push_back({Call(""), "interaction.subject"});
  cases.push_back({Call(std::string(201, 's')), "interaction.subject"});
  v1::Interaction no_channel = Call("x");
  no_channel.clear_channel();
  cases.push_back({no_channel, "interaction.channel"});
  v1::Interaction bad_employee = Call("x");
  bad_employee.set_employee("bob");
  cases.push_back({bad_employee, "interaction.employee"});
  v1::Interaction bad_related = Call("x");
  bad_related.add_related_resources("suppliers/x");
  cases.push_back({bad_related, "interaction.related_resources[0]"});
  v1::Interaction note = Call("x");
  note.set_channel(v1::INTERACTION_CHANNEL_NOTE);
  cases.push_back({note, "interaction.direction"});
  for (const Case& c : cases) {
    absl::StatusOr<v1::Interaction> created = Create(c.interaction);
    EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument) << c.expected;
    EXPECT_THAT(Message(created.status()), HasSubstr(c.expected));
  }
  absl::StatusOr<v1::Interaction> bad_parent = Create(Call("x"), "customer/1");
  EXPECT_EQ(bad_parent.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(bad_parent.status()), HasSubstr("parent"));
  absl::StatusOr<v1::Interaction> missing = Create(Call("x"), "customers/999999");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(missing.status()), HasSubstr("customers/999999"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM interactions"), 0);
}

TEST_F(InteractionServiceMySqlTest, CreateForADeletedCustomerIsFailedPrecondition) {
  v1::DeleteCustomerRequest remove;
  remove.set_name(customer_);
  v1::DeleteCustomerResponse removed;
  ASSERT_THAT(customers_.DeleteCustomer(call_, remove, removed), IsOk());
  absl::StatusOr<v1::Interaction> created = Create(Call("x"));
  EXPECT_EQ(created.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(created.status()), HasSubstr("deleted"));
}

TEST_F(InteractionServiceMySqlTest, CreateReplayReturnsTheFirstResultAndCreatesOneRow) {
  absl::StatusOr<v1::Interaction> first = Create(Call("Intro"), "", "create-intro-1");
  ASSERT_THAT(first, IsOk());
  now_ += absl::Seconds(5);
  absl::StatusOr<v1::Interaction> replay = Create(Call("Intro"), "", "create-intro-1");
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM interactions"), 1);
  absl::StatusOr<v1::Interaction> other = Create(Call("Something else"), "", "create-intro-1");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM interactions"), 1);
}

TEST_F(InteractionServiceMySqlTest, TimelineIsNewestFirstAcrossPagesWithoutGapsOrDuplicates) {
  // Created out of occurrence order, with two interactions at the same time.
  const int offsets[] = {50, 10, 70, 30, 30, 90, 20, 60};
  for (int i = 0; i < 8; ++i) CreateAt(absl::StrCat("call ", i), offsets[i]);
  std::vector<std::string> expected = {"call 5", "call 2", "call 7", "call 0",
                                       "call 4", "call 3", "call 6", "call 1"};
  EXPECT_EQ(ListAll(customer_), expected);  // ties: later-created (higher id) first
  EXPECT_EQ(ListAll(customer_, "", "", false, 1), expected);
  EXPECT_EQ(ListAll(customer_, "", "", false, 50), expected);
  EXPECT_EQ(ListAll(customer_, "", "occur_time desc"), expected);
  std::vector<std::string> ascending(expected.rbegin(), expected.rend());
  EXPECT_EQ(ListAll(customer_, "", "occur_time"), ascending);
  EXPECT_EQ(ListAll(customer_, "", "create_time desc"),
            (std::vector<std::string>{"call 7", "call 6", "call 5", "call 4", "call 3", "call 2",
                                      "call 1", "call 0"}));

  // Another customer's timeline is separate; customers/- lists both.
  const std::string other = CreateCustomer("Other").name();
  CreateAt("other call", 80, other);
  EXPECT_EQ(ListAll(other), std::vector<std::string>{"other call"});
  EXPECT_EQ(ListAll(customer_).size(), 8u);
  std::vector<std::string> everyone = ListAll("customers/-");
  ASSERT_EQ(everyone.size(), 9u);
  EXPECT_EQ(everyone[0], "call 5");
  EXPECT_EQ(everyone[1], "other call");
}

TEST_F(InteractionServiceMySqlTest, FiltersByChannelSentimentTimeEmployeeAndRelatedResource) {
  v1::Interaction email = Call("email");
  email.set_channel(v1::INTERACTION_CHANNEL_EMAIL);
  email.set_sentiment(v1::SENTIMENT_POSITIVE);
  email.set_employee("employees/7");
  email.add_related_resources("suppliers/42");
  *email.mutable_occur_time() = common::ToProtoTimestamp(base_ + absl::Hours(1));
  ASSERT_THAT(Create(email), IsOk());
  v1::Interaction meeting = Call("meeting");
  meeting.set_channel(v1::INTERACTION_CHANNEL_MEETING);
  meeting.set_sentiment(v1::SENTIMENT_NEGATIVE);
  meeting.add_related_resources("suppliers/420");
  meeting.add_related_resources("customers/1/serviceCases/4");
  *meeting.mutable_occur_time() = common::ToProtoTimestamp(base_ + absl::Hours(2));
  ASSERT_THAT(Create(meeting), IsOk());
  v1::Interaction note = Call("note");
  note.set_channel(v1::INTERACTION_CHANNEL_NOTE);
  note.clear_direction();
  *note.mutable_occur_time() = common::ToProtoTimestamp(base_ + absl::Hours(3));
  ASSERT_THAT(Create(note), IsOk());

  EXPECT_EQ(ListAll(customer_, "channel = EMAIL"), std::vector<std::string>{"email"});
  EXPECT_EQ(ListAll(customer_, "channel != EMAIL"), (std::vector<std::string>{"note", "meeting"}));
  EXPECT_EQ(ListAll(customer_, "sentiment = SENTIMENT_NEGATIVE"),
            std::vector<std::string>{"meeting"});
  EXPECT_EQ(ListAll(customer_, "direction = INBOUND"),
            (std::vector<std::string>{"meeting", "email"}));
  EXPECT_EQ(ListAll(customer_, "employee = employees/7"), std::vector<std::string>{"email"});
  EXPECT_EQ(ListAll(customer_, "occur_time >= \"2023-11-15T00:13:20Z\""),
            (std::vector<std::string>{"note", "meeting"}));  // base_ + 2h
  EXPECT_EQ(ListAll(customer_, "related_resources : \"suppliers/42\""),
            std::vector<std::string>{"email"});  // an element, not a substring
  EXPECT_EQ(ListAll(customer_, "related_resources = \"suppliers/42*\""),
            (std::vector<std::string>{"meeting", "email"}));
  EXPECT_EQ(ListAll(customer_, "related_resources != \"suppliers/42\""),
            (std::vector<std::string>{"note", "meeting"}));
  EXPECT_EQ(ListAll(customer_, "related_resources : \"x'; DROP TABLE interactions; --\""),
            std::vector<std::string>{});

  v1::ListInteractionsRequest bad;
  bad.set_parent(customer_);
  bad.set_filter("summary : \"x\"");
  v1::ListInteractionsResponse response;
  absl::Status status = service_.ListInteractions(call_, bad, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(status), HasSubstr("summary"));
}

TEST_F(InteractionServiceMySqlTest, ListRejectsBadRequestsAndUnknownParents) {
  for (int i = 0; i < 3; ++i) CreateAt(absl::StrCat("call ", i), i);
  v1::ListInteractionsRequest request;
  request.set_parent(customer_);
  request.set_page_size(2);
  v1::ListInteractionsResponse first;
  ASSERT_THAT(service_.ListInteractions(call_, request, first), IsOk());
  ASSERT_FALSE(first.next_page_token().empty());

  v1::ListInteractionsResponse response;
  v1::ListInteractionsRequest other_query = request;
  other_query.set_page_token(first.next_page_token());
  other_query.set_filter("channel = EMAIL");  // token bound to the first query
  absl::Status status = service_.ListInteractions(call_, other_query, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(status), HasSubstr("page_token"));
  v1::ListInteractionsRequest corrupted = request;
  corrupted.set_page_token("garbage");
  EXPECT_EQ(service_.ListInteractions(call_, corrupted, response).code(),
            absl::StatusCode::kInvalidArgument);
  v1::ListInteractionsRequest bad_order = request;
  bad_order.set_order_by("subject");
  status = service_.ListInteractions(call_, bad_order, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(status), HasSubstr("order_by"));
  v1::ListInteractionsRequest negative = request;
  negative.set_page_size(-1);
  EXPECT_EQ(service_.ListInteractions(call_, negative, response).code(),
            absl::StatusCode::kInvalidArgument);
  v1::ListInteractionsRequest unknown = request;
  unknown.set_parent("customers/999999");
  status = service_.ListInteractions(call_, unknown, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(status), HasSubstr("customers/999999"));
  v1::ListInteractionsRequest bad_parent = request;
  bad_parent.set_parent("suppliers/1");
  status = service_.ListInteractions(call_, bad_parent, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(status), HasSubstr("parent"));
}

TEST_F(InteractionServiceMySqlTest, UpdateChangesOnlyMaskedFieldsAndChecksTheEtag) {
  v1::Interaction original = Call("Kickoff");
  original.set_summary("first notes");
  original.add_related_resources("suppliers/1");
  absl::StatusOr<v1::Interaction> created = Create(original);
  ASSERT_THAT(created, IsOk());
  now_ += absl::Minutes(1);

  v1::UpdateInteractionRequest update;
  *update.mutable_interaction() = *created;
  update.mutable_interaction()->set_subject("Kickoff (rescheduled)");
  update.mutable_interaction()->set_summary("not in the mask");
  update.mutable_interaction()->set_sentiment(v1::SENTIMENT_POSITIVE);
  update.mutable_interaction()->clear_related_resources();
  update.mutable_interaction()->add_related_resources("partners/9");
  update.mutable_update_mask()->add_paths("subject");
  update.mutable_update_mask()->add_paths("sentiment");
  update.mutable_update_mask()->add_paths("related_resources");
  v1::UpdateInteractionResponse updated;
  ASSERT_THAT(service_.UpdateInteraction(call_, update, updated), IsOk());
  EXPECT_EQ(updated.interaction().subject(), "Kickoff (rescheduled)");
  EXPECT_EQ(updated.interaction().sentiment(), v1::SENTIMENT_POSITIVE);
  EXPECT_EQ(updated.interaction().summary(), "first notes");
  EXPECT_EQ(updated.interaction().occur_time().seconds(), created->occur_time().seconds());
  EXPECT_NE(updated.interaction().etag(), created->etag());
  EXPECT_EQ(common::FromProtoTimestamp(updated.interaction().update_time()), now_);
  EXPECT_EQ(ListAll(customer_, "related_resources : \"partners/9\""),
            std::vector<std::string>{"Kickoff (rescheduled)"});
  EXPECT_TRUE(ListAll(customer_, "related_resources : \"suppliers/1\"").empty());
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM audit_entries WHERE resource = '",
                               created->name(), "' AND action = 2")),
            1);

  // Writing the same values again changes nothing: same etag, no audit entry.
  v1::UpdateInteractionRequest same;
  *same.mutable_interaction() = updated.interaction();
  same.mutable_update_mask()->add_paths("subject");
  v1::UpdateInteractionResponse unchanged;
  ASSERT_THAT(service_.UpdateInteraction(call_, same, unchanged), IsOk());
  EXPECT_EQ(unchanged.interaction().etag(), updated.interaction().etag());
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM audit_entries WHERE resource = '",
                               created->name(), "' AND action = 2")),
            1);

  // The old etag is stale now: ABORTED, nothing changes.
  update.mutable_interaction()->set_subject("Lost update");
  absl::Status stale = service_.UpdateInteraction(call_, update, updated);
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Get(created->name())->subject(), "Kickoff (rescheduled)");
}

TEST_F(InteractionServiceMySqlTest, UpdateRejectsBadMasksAndValuesAndUnknownNames) {
  absl::StatusOr<v1::Interaction> created = Create(Call("Kickoff"));
  ASSERT_THAT(created, IsOk());
  v1::UpdateInteractionRequest update;
  *update.mutable_interaction() = *created;
  v1::UpdateInteractionResponse updated;
  for (const char* path : {"create_time", "name", "etag", "no_such_field"}) {
    update.mutable_update_mask()->Clear();
    update.mutable_update_mask()->add_paths(path);
    absl::Status status = service_.UpdateInteraction(call_, update, updated);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_THAT(Message(status), HasSubstr("update_mask")) << path;
  }
  update.mutable_update_mask()->Clear();
  absl::Status empty_mask = service_.UpdateInteraction(call_, update, updated);
  EXPECT_EQ(empty_mask.code(), absl::StatusCode::kInvalidArgument);

  update.mutable_update_mask()->add_paths("subject");
  update.mutable_interaction()->set_subject("");
  absl::Status status = service_.UpdateInteraction(call_, update, updated);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(status), HasSubstr("interaction.subject"));

  update.mutable_interaction()->set_subject("x");
  update.mutable_interaction()->set_etag("not an etag!");
  status = service_.UpdateInteraction(call_, update, updated);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(status), HasSubstr("interaction.etag"));

  update.mutable_interaction()->clear_etag();
  update.mutable_interaction()->set_name(absl::StrCat(customer_, "/interactions/999999"));
  EXPECT_EQ(service_.UpdateInteraction(call_, update, updated).code(), absl::StatusCode::kNotFound);
  // The right id under another customer is not found either.
  const std::string other = CreateCustomer("Other").name();
  const std::string id = created->name().substr(created->name().rfind('/') + 1);
  update.mutable_interaction()->set_name(absl::StrCat(other, "/interactions/", id));
  EXPECT_EQ(service_.UpdateInteraction(call_, update, updated).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Get(absl::StrCat(other, "/interactions/", id)).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Get("customers/1/notes/1").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Get(created->name())->subject(), "Kickoff");
}

TEST_F(InteractionServiceMySqlTest, DeleteHidesFromTheTimelineAndUndeleteRestores) {
  v1::Interaction kept = CreateAt("kept", 1);
  v1::Interaction removed = CreateAt("removed", 2);

  v1::DeleteInteractionRequest remove;
  remove.set_name(removed.name());
  remove.set_etag("zz");  // stale
  v1::DeleteInteractionResponse deleted;
  EXPECT_EQ(service_.DeleteInteraction(call_, remove, deleted).code(), absl::StatusCode::kAborted);
  remove.set_etag(removed.etag());
  ASSERT_THAT(service_.DeleteInteraction(call_, remove, deleted), IsOk());
  EXPECT_TRUE(deleted.interaction().has_delete_time());
  EXPECT_EQ(ListAll(customer_), std::vector<std::string>{"kept"});
  EXPECT_EQ(ListAll(customer_, "", "", /*show_deleted=*/true),
            (std::vector<std::string>{"removed", "kept"}));
  EXPECT_TRUE(Get(removed.name())->has_delete_time());

  // A deleted interaction cannot be changed or deleted again.
  v1::UpdateInteractionRequest update;
  *update.mutable_interaction() = deleted.interaction();
  update.mutable_update_mask()->add_paths("subject");
  v1::UpdateInteractionResponse updated;
  EXPECT_EQ(service_.UpdateInteraction(call_, update, updated).code(),
            absl::StatusCode::kFailedPrecondition);
  remove.set_etag(deleted.interaction().etag());
  EXPECT_EQ(service_.DeleteInteraction(call_, remove, deleted).code(),
            absl::StatusCode::kFailedPrecondition);

  v1::UndeleteInteractionRequest restore;
  restore.set_name(removed.name());
  restore.set_etag(removed.etag());  // stale: the delete bumped it
  v1::UndeleteInteractionResponse restored;
  EXPECT_EQ(service_.UndeleteInteraction(call_, restore, restored).code(),
            absl::StatusCode::kAborted);
  restore.set_etag(deleted.interaction().etag());
  ASSERT_THAT(service_.UndeleteInteraction(call_, restore, restored), IsOk());
  EXPECT_FALSE(restored.interaction().has_delete_time());
  EXPECT_EQ(ListAll(customer_), (std::vector<std::string>{"removed", "kept"}));
  restore.clear_etag();
  absl::Status again = service_.UndeleteInteraction(call_, restore, restored);
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(again), HasSubstr("not deleted"));
  restore.set_name(absl::StrCat(customer_, "/interactions/999999"));
  EXPECT_EQ(service_.UndeleteInteraction(call_, restore, restored).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM audit_entries WHERE resource = '",
                               removed.name(), "' AND action IN (3, 4)")),
            2);
}

}  // namespace
}  // namespace crm::customer
