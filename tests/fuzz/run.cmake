# Run one fuzz target for a bounded time on a fresh copy of its corpus:
#   cmake -DFUZZER=<program> -DCORPUS=<seeds> -DWORK=<scratch folder>
#         -DSECONDS=<default time> [-DDICT=<dictionary>] -P run.cmake
# AIWGFS_FUZZ_SECONDS in the environment overrides SECONDS. A crash, leak,
# undefined behaviour or slow input fails the test and is saved in
# WORK/artifacts for a rerun: <program> WORK/artifacts/<file>.
if(NOT "$ENV{AIWGFS_FUZZ_SECONDS}" STREQUAL "")
	set(SECONDS $ENV{AIWGFS_FUZZ_SECONDS})
endif()
if(NOT SECONDS MATCHES "^[0-9]+$")
	message(FATAL_ERROR
		"fuzz time '${SECONDS}' is not a whole number of seconds")
endif()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts ${WORK}/tmp)
file(COPY ${CORPUS}/ DESTINATION ${WORK}/corpus)
# scratch trees of the targets: in here, so a crash leaves none behind
set(ENV{TMPDIR} ${WORK}/tmp)

# libFuzzer stops itself after SECONDS; the margin only catches a hang
# outside an input (its own -timeout catches those inside one).
math(EXPR limit "${SECONDS} + 300")
set(dict)
if(DICT AND EXISTS ${DICT})
	set(dict -dict=${DICT})
endif()
execute_process(
	COMMAND ${FUZZER} ${dict} -max_total_time=${SECONDS} -rss_limit_mb=2048
		-timeout=10 -print_final_stats=1
		-artifact_prefix=${WORK}/artifacts/ ${WORK}/corpus
	WORKING_DIRECTORY ${WORK}
	RESULT_VARIABLE rc
	TIMEOUT ${limit})
if(NOT rc STREQUAL "0")
	file(GLOB found ${WORK}/artifacts/*)
	message(FATAL_ERROR "${FUZZER} failed (${rc}); inputs: ${found}")
endif()
