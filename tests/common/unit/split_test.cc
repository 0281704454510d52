#include "common/api/split.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace crm::common {
namespace {

using ::testing::ElementsAre;

TEST(SplitOnTest, KeepsEmptyPieces) {
  EXPECT_THAT(SplitOn("customers/1", '/'), ElementsAre("customers", "1"));
  EXPECT_THAT(SplitOn("a..b", '.'), ElementsAre("a", "", "b"));
  EXPECT_THAT(SplitOn("/a/", '/'), ElementsAre("", "a", ""));
  EXPECT_THAT(SplitOn("", '/'), ElementsAre(""));
  EXPECT_THAT(SplitOn("abc", '/'), ElementsAre("abc"));
}

}  // namespace
}  // namespace crm::common
