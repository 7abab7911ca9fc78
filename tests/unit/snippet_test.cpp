#define BOOST_TEST_MODULE snippet
#include <boost/test/unit_test.hpp>
