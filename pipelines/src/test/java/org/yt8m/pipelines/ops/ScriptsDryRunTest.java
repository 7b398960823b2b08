package org.yt8m.pipelines.ops;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The Google Cloud scripts (scripts/build-templates, run-inference, run-evaluation, run-prepare,
 * run-train, schedule-evaluation): under --dry-run each prints exactly the commands written here,
 * and without it runs exactly those (fake gcloud, docker and mvn on PATH record what they are
 * given); --help documents every option; every value is checked before it reaches a command.
 */
class ScriptsDryRunTest {
  private static final Path ROOT = Checkout.root();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CLOUD = List.of("--project=my-project",
      "--region=us-central1", "--bucket=gs://my-bucket");
  private static final String SCHEDULER = "yt8m-scheduler@my-project.iam.gserviceaccount.com";

  @TempDir
  Path temp;
  private Path fakeBin;
  private Path callLog;

  @BeforeEach
  void fakeCloudTools() throws IOException {
    fakeBin = Files.createDirectories(temp.resolve("bin"));
    callLog = temp.resolve("calls.log");
    for (String tool : List.of("gcloud", "docker", "mvn")) {
      Path fake = fakeBin.resolve(tool);
      Files.writeString(fake, "#!/usr/bin/env bash\n"
          + "# Records its arguments, tab-separated, one call a line.\n"
          + "{ printf '%s' \"$(basename \"$0\")\"; printf '\\t%s' \"$@\"; printf '\\n'; }"
          + " >>\"$YT8M_FAKE_LOG\"\n");
      assertTrue(fake.toFile().setExecutable(true));
    }
  }

  private Checkout.Result script(Map<String, String> environment, String name, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("scripts").resolve(name).toString());
    command.addAll(args);
    Map<String, String> env = new HashMap<>(environment);
    env.put("PATH", fakeBin + ":" + System.getenv("PATH"));
    env.put("YT8M_FAKE_LOG", callLog.toString());
    // Run from elsewhere than the checkout: the scripts must not depend on the working folder.
    return Checkout.run(command, temp, env);
  }

  private Checkout.Result script(String name, String... args) {
    return script(Map.of(), name, Arrays.asList(args));
  }

  private Checkout.Result dryRun(String name, String... args) {
    List<String> all = new ArrayList<>(CLOUD);
    all.addAll(Arrays.asList(args));
    all.add("--dry-run");
    Checkout.Result result = script(Map.of(), name, all);
    assertEquals(0, result.exitCode(), result.describe());
    assertEquals(List.of(), calls(), "--dry-run must run nothing");
    return result;
  }

  private List<List<String>> calls() {
    if (!Files.exists(callLog)) {
      return List.of();
    }
    return Checkout.read(callLog).lines().map(line -> List.of(line.split("\t", -1)))
        .collect(Collectors.toList());
  }

  // ---- The exact commands ---------------------------------------------------------------

  static Stream<Arguments> canonicalRuns() {
    return Stream.of(
        Arguments.of("build-templates", List.of("--tag=v1"), """
            mvn -B -ntp -q -DskipTests -Pgpu package -pl pipelines -am
            mkdir -p target/templates/gpu
            cp pipelines/target/yt8m-beam.jar target/templates/gpu/yt8m-beam.jar
            mvn -B -ntp -q -DskipTests package -pl pipelines -am
            mkdir -p target/templates/cpu
            cp pipelines/target/yt8m-beam.jar target/templates/cpu/yt8m-beam.jar
            docker build --platform=linux/amd64 --file=templates/launcher/Dockerfile \
            --build-arg=MAIN_CLASS=org.yt8m.pipelines.infer.InferPipeline \
            --tag=us-central1-docker.pkg.dev/my-project/yt8m/launcher-inference:v1 \
            target/templates/gpu
            docker build --platform=linux/amd64 --file=templates/launcher/Dockerfile \
            --build-arg=MAIN_CLASS=org.yt8m.pipelines.evaluate.EvaluatePipeline \
            --tag=us-central1-docker.pkg.dev/my-project/yt8m/launcher-evaluation:v1 \
            target/templates/cpu
            docker build --platform=linux/amd64 --file=templates/launcher/Dockerfile \
            --build-arg=MAIN_CLASS=org.yt8m.pipelines.prepare.PreparePipeline \
            --tag=us-central1-docker.pkg.dev/my-project/yt8m/launcher-prepare:v1 \
            target/templates/cpu
            docker build --platform=linux/amd64 --file=templates/gpu-worker/Dockerfile \
            --tag=us-central1-docker.pkg.dev/my-project/yt8m/gpu-worker:v1 templates/gpu-worker
            docker build --platform=linux/amd64 --file=templates/trainer/Dockerfile \
            --build-arg=GPU_WORKER_IMAGE=us-central1-docker.pkg.dev/my-project/yt8m/gpu-worker:v1 \
            --tag=us-central1-docker.pkg.dev/my-project/yt8m/trainer:v1 target/templates/gpu
            docker push us-central1-docker.pkg.dev/my-project/yt8m/launcher-inference:v1
            docker push us-central1-docker.pkg.dev/my-project/yt8m/launcher-evaluation:v1
            docker push us-central1-docker.pkg.dev/my-project/yt8m/launcher-prepare:v1
            docker push us-central1-docker.pkg.dev/my-project/yt8m/gpu-worker:v1
            docker push us-central1-docker.pkg.dev/my-project/yt8m/trainer:v1
            gcloud dataflow flex-template build gs://my-bucket/templates/inference.json \
            --project=my-project \
            --image=us-central1-docker.pkg.dev/my-project/yt8m/launcher-inference:v1 \
            --sdk-language=JAVA --metadata-file=templates/inference/metadata.json
            gcloud dataflow flex-template build gs://my-bucket/templates/evaluation.json \
            --project=my-project \
            --image=us-central1-docker.pkg.dev/my-project/yt8m/launcher-evaluation:v1 \
            --sdk-language=JAVA --metadata-file=templates/evaluation/metadata.json
            gcloud dataflow flex-template build gs://my-bucket/templates/prepare.json \
            --project=my-project \
            --image=us-central1-docker.pkg.dev/my-project/yt8m/launcher-prepare:v1 \
            --sdk-language=JAVA --metadata-file=templates/prepare/metadata.json
            """),
        Arguments.of("run-inference", List.of("--inputDataPattern=gs://my-bucket/test/test*.tfrecord",
            "--outputFile=gs://my-bucket/predictions.csv", "--trainDir=gs://my-bucket/train",
            "--featureNames=rgb,audio", "--frameFeatures=true", "--jobName=inference-1",
            "--serviceAccount=yt8m-worker@my-project.iam.gserviceaccount.com"), """
            gcloud dataflow flex-template run inference-1 --project=my-project \
            --region=us-central1 \
            --template-file-gcs-location=gs://my-bucket/templates/inference.json \
            --staging-location=gs://my-bucket/staging --temp-location=gs://my-bucket/temp \
            --service-account-email=yt8m-worker@my-project.iam.gserviceaccount.com \
            --worker-machine-type=n1-standard-4 --max-workers=4 \
            --additional-experiments=use_runner_v2 \
            '--additional-pipeline-options=^~^\
            sdkContainerImage=us-central1-docker.pkg.dev/my-project/yt8m/gpu-worker:latest\
            ~dataflowServiceOptions=worker_accelerator=type:nvidia-tesla-t4;count:1;\
            install-nvidia-driver~diskSizeGb=50' \
            '--parameters=^~^inputDataPattern=gs://my-bucket/test/test*.tfrecord\
            ~outputFile=gs://my-bucket/predictions.csv~trainDir=gs://my-bucket/train\
            ~frameFeatures=true~featureNames=rgb,audio'
            """),
        Arguments.of("run-evaluation", List.of(
            "--evalDataPattern=gs://my-bucket/validate/validate*.tfrecord",
            "--predictions=gs://my-bucket/predictions.csv", "--outputDir=gs://my-bucket/eval",
            "--topK=20", "--jobName=evaluation-1", "--workerMachineType=n1-highmem-4",
            "--maxWorkers=10"), """
            gcloud dataflow flex-template run evaluation-1 --project=my-project \
            --region=us-central1 \
            --template-file-gcs-location=gs://my-bucket/templates/evaluation.json \
            --staging-location=gs://my-bucket/staging --temp-location=gs://my-bucket/temp \
            --worker-machine-type=n1-highmem-4 --max-workers=10 \
            '--parameters=^~^evalDataPattern=gs://my-bucket/validate/validate*.tfrecord\
            ~predictions=gs://my-bucket/predictions.csv~outputDir=gs://my-bucket/eval~topK=20'
            """),
        Arguments.of("run-prepare", List.of(
            "--trainDataPattern=gs://my-bucket/train/train*.tfrecord",
            "--outputDir=gs://my-bucket/prepared", "--numShards=64", "--seed=7",
            "--jobName=prepare-1"), """
            gcloud dataflow flex-template run prepare-1 --project=my-project --region=us-central1 \
            --template-file-gcs-location=gs://my-bucket/templates/prepare.json \
            --staging-location=gs://my-bucket/staging --temp-location=gs://my-bucket/temp \
            '--parameters=^~^trainDataPattern=gs://my-bucket/train/train*.tfrecord\
            ~outputDir=gs://my-bucket/prepared~numShards=64~seed=7'
            """),
        Arguments.of("run-train", List.of("--trainDataPattern=gs://my-bucket/prepared/*.tfrecord",
            "--trainDir=gs://my-bucket/train", "--model=MoeModel", "--batchSize=1024",
            "--baseLearningRate=0.01", "--displayName=train-1"), """
            gcloud ai custom-jobs create --project=my-project --region=us-central1 \
            --display-name=train-1 \
            '--worker-pool-spec=^~^machine-type=n1-standard-8~replica-count=1\
            ~accelerator-type=NVIDIA_TESLA_T4~accelerator-count=1\
            ~container-image-uri=us-central1-docker.pkg.dev/my-project/yt8m/trainer:latest' \
            '--args=^~^train~--trainDataPattern=gs://my-bucket/prepared/*.tfrecord\
            ~--trainDir=gs://my-bucket/train~--model=MoeModel~--batchSize=1024\
            ~--baseLearningRate=0.01'
            """),
        Arguments.of("schedule-evaluation", List.of("--serviceAccount=" + SCHEDULER,
            "--trainDir=gs://my-bucket/runs/exp1",
            "--evalDataPattern=gs://my-bucket/validate/validate*.tfrecord"), """
            gcloud workflows deploy yt8m-evaluation-gate --project=my-project \
            --location=us-central1 --source=templates/evaluation/gate-workflow.yaml \
            --service-account=yt8m-scheduler@my-project.iam.gserviceaccount.com
            gcloud scheduler jobs create http yt8m-evaluation --project=my-project \
            --location=us-central1 '--schedule=0 * * * *' --time-zone=Etc/UTC \
            --uri=https://workflowexecutions.googleapis.com/v1/projects/my-project\
            /locations/us-central1/workflows/yt8m-evaluation-gate/executions \
            --http-method=POST --headers=Content-Type=application/json \
            --oauth-service-account-email=yt8m-scheduler@my-project.iam.gserviceaccount.com \
            --oauth-token-scope=https://www.googleapis.com/auth/cloud-platform \
            '--message-body={"argument":"{\\"bucket\\":\\"my-bucket\\",\
            \\"trainDirPrefix\\":\\"runs/exp1/\\",\\"project\\":\\"my-project\\",\
            \\"region\\":\\"us-central1\\",\\"launch\\":{\\"launchParameter\\":\
            {\\"jobName\\":\\"yt8m-evaluation\\",\
            \\"containerSpecGcsPath\\":\\"gs://my-bucket/templates/evaluation.json\\",\
            \\"parameters\\":{\\"trainDir\\":\\"gs://my-bucket/runs/exp1\\",\
            \\"evalDataPattern\\":\\"gs://my-bucket/validate/validate*.tfrecord\\",\
            \\"onlyNew\\":\\"true\\"},\\"environment\\":\
            {\\"tempLocation\\":\\"gs://my-bucket/temp\\",\
            \\"stagingLocation\\":\\"gs://my-bucket/staging\\"}}}}"}'
            """),
        Arguments.of("schedule-evaluation", List.of("--serviceAccount=" + SCHEDULER,
            "--trainDir=gs://my-bucket/runs/exp1/",
            "--evalDataPattern=gs://my-bucket/validate/validate*.tfrecord", "--gate=none",
            "--workerServiceAccount=yt8m-worker@my-project.iam.gserviceaccount.com",
            "--maxWorkers=5", "--schedule=30 */2 * * *", "--timeZone=Europe/Paris",
            "--update"), """
            gcloud scheduler jobs update http yt8m-evaluation --project=my-project \
            --location=us-central1 '--schedule=30 */2 * * *' --time-zone=Europe/Paris \
            --uri=https://dataflow.googleapis.com/v1b3/projects/my-project/locations/us-central1\
            /flexTemplates:launch \
            --http-method=POST --update-headers=Content-Type=application/json \
            --oauth-service-account-email=yt8m-scheduler@my-project.iam.gserviceaccount.com \
            --oauth-token-scope=https://www.googleapis.com/auth/cloud-platform \
            '--message-body={"launchParameter":{"jobName":"yt8m-evaluation",\
            "containerSpecGcsPath":"gs://my-bucket/templates/evaluation.json",\
            "parameters":{"trainDir":"gs://my-bucket/runs/exp1",\
            "evalDataPattern":"gs://my-bucket/validate/validate*.tfrecord","onlyNew":"true"},\
            "environment":{"tempLocation":"gs://my-bucket/temp",\
            "stagingLocation":"gs://my-bucket/staging",\
            "serviceAccountEmail":"yt8m-worker@my-project.iam.gserviceaccount.com",\
            "maxWorkers":5}}}'
            """));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("canonicalRuns")
  void dryRunPrintsTheExactCommands(String name, List<String> args, String expected) {
    Checkout.Result result = dryRun(name, args.toArray(String[]::new));
    assertEquals(expected, result.stdout());
  }

  /** The commands a script runs are the ones its --dry-run prints, word for word. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("canonicalRuns")
  void runningRunsWhatTheDryRunPrints(String name, List<String> args, String expected)
      throws IOException {
    List<String> all = new ArrayList<>(CLOUD);
    all.addAll(args);
    List<Path> placeholders = new ArrayList<>();
    if (name.equals("build-templates")) {
      // The Maven, mkdir and cp steps act on the checkout itself: skip them, with placeholder
      // jars where --skipPackage expects the last build's (target/ is build output).
      all.add("--skipPackage");
      for (String variant : List.of("gpu", "cpu")) {
        Path jar = ROOT.resolve("target/templates").resolve(variant).resolve("yt8m-beam.jar");
        if (!Files.exists(jar)) {
          Files.createDirectories(jar.getParent());
          placeholders.add(Files.createFile(jar));
        }
      }
    }
    Checkout.Result result;
    try {
      result = script(Map.of(), name, all);
    } finally {
      for (Path placeholder : placeholders) {
        Files.delete(placeholder);
      }
    }
    assertEquals(0, result.exitCode(), result.describe());
    List<List<String>> expectedCalls = expected.lines()
        .filter(line -> !line.startsWith("mvn ") && !line.startsWith("mkdir ")
            && !line.startsWith("cp "))
        .map(Checkout::shellWords).collect(Collectors.toList());
    assertEquals(expectedCalls, calls());
  }

  @Test
  void environmentVariablesStandInForProjectRegionAndBucket() {
    List<String> args = List.of("--evalDataPattern=gs://my-bucket/v*.tfrecord",
        "--trainDir=gs://my-bucket/train", "--jobName=evaluation-1", "--dry-run");
    Checkout.Result fromEnvironment = script(Map.of("PROJECT", "my-project", "REGION",
        "us-central1", "BUCKET", "gs://my-bucket/"), "run-evaluation", args);
    List<String> withFlags = new ArrayList<>(CLOUD);
    withFlags.addAll(args);
    Checkout.Result fromFlags = script(Map.of("PROJECT", "other-project"), "run-evaluation",
        withFlags);
    assertEquals(0, fromEnvironment.exitCode(), fromEnvironment.describe());
    assertEquals(fromFlags.stdout(), fromEnvironment.stdout(), "flags win over PROJECT");
  }

  @Test
  void defaultJobNamesCarryTheUtcTime() {
    String line = dryRun("run-evaluation", "--evalDataPattern=gs://my-bucket/v*.tfrecord",
        "--trainDir=gs://my-bucket/train").stdout();
    assertTrue(line.matches("gcloud dataflow flex-template run yt8m-evaluation-\\d{8}-\\d{6} .*\n"),
        line);
    String train = dryRun("run-train", "--trainDataPattern=gs://my-bucket/p/*.tfrecord",
        "--trainDir=gs://my-bucket/train").stdout();
    assertTrue(train.contains(" --display-name=yt8m-train-"), train);
  }

  @Test
  void gpuTypeAndCountReachTheWorkerAccelerator() {
    String line = dryRun("run-inference", "--inputDataPattern=gs://my-bucket/t*.tfrecord",
        "--outputFile=gs://my-bucket/p.csv", "--modelDir=gs://my-bucket/train/export/step_10",
        "--gpuType=nvidia-l4", "--gpuCount=2", "--workerMachineType=g2-standard-24",
        "--jobName=inference-1", "--tag=v2", "--repository=images").stdout();
    assertTrue(line.contains(" --worker-machine-type=g2-standard-24 "), line);
    assertTrue(line.contains("~dataflowServiceOptions=worker_accelerator=type:nvidia-l4;"
        + "count:2;install-nvidia-driver~"), line);
    assertTrue(line.contains("sdkContainerImage=us-central1-docker.pkg.dev/my-project/images/"
        + "gpu-worker:v2~"), line);
  }

  @Test
  void aGpuOnTheWrongMachineFamilyIsRefusedBeforeAnythingRuns() {
    Checkout.Result result = script(Map.of(), "run-inference", List.of("--project=my-project",
        "--region=us-central1", "--bucket=gs://my-bucket", "--inputDataPattern=gs://my-bucket/t",
        "--outputFile=gs://my-bucket/p.csv", "--trainDir=gs://my-bucket/train",
        "--gpuType=nvidia-l4"));
    assertEquals(2, result.exitCode(), result.describe());
    assertTrue(result.stderr().contains("--gpuType=nvidia-l4 runs on g2 machine types"),
        result.stderr());
    assertEquals(List.of(), calls());
  }

  /** gcloud reads --parameters=^~^a=b~c=d as {a: b, c: d} ('gcloud topic escaping'). */
  @Test
  void valuesWithCommasGoThroughTheAlternateDelimiter() {
    String line = dryRun("run-prepare", "--trainDataPattern=gs://my-bucket/t*.tfrecord",
        "--outputDir=gs://my-bucket/prepared", "--featureNames=rgb,audio",
        "--featureSizes=1024,128", "--jobName=prepare-1").stdout().strip();
    Map<String, String> parameters = gcloudDict(flag(line, "--parameters"));
    assertEquals(Map.of("trainDataPattern", "gs://my-bucket/t*.tfrecord", "outputDir",
        "gs://my-bucket/prepared", "featureNames", "rgb,audio", "featureSizes", "1024,128"),
        parameters);
    String inference = dryRun("run-inference", "--inputDataPattern=gs://my-bucket/t",
        "--outputFile=gs://my-bucket/p.csv", "--trainDir=gs://my-bucket/train").stdout();
    assertEquals(List.of("use_runner_v2"),
        gcloudList(flag(inference.strip(), "--additional-experiments")),
        "a list without ',', ';' or ':' stays plain");
  }

  private static String flag(String commandLine, String flag) {
    return Checkout.shellWords(commandLine).stream().filter(w -> w.startsWith(flag + "="))
        .map(w -> w.substring(flag.length() + 1)).findFirst()
        .orElseThrow(() -> new AssertionError(flag + " missing in " + commandLine));
  }

  /** gcloud's list splitting: ',' or the delimiter between carets in ^DELIM^ at the start. */
  private static List<String> gcloudList(String value) {
    String delimiter = ",";
    Matcher custom = Pattern.compile("^\\^([^^]+)\\^").matcher(value);
    if (custom.find()) {
      delimiter = custom.group(1);
      value = value.substring(custom.end());
    }
    return List.of(value.split(Pattern.quote(delimiter), -1));
  }

  private static Map<String, String> gcloudDict(String value) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String item : gcloudList(value)) {
      int equals = item.indexOf('=');
      map.put(item.substring(0, equals), item.substring(equals + 1));
    }
    return map;
  }

  // ---- The scheduled evaluation --------------------------------------------------------

  @Test
  void scheduledLaunchesEvaluateOnlyNewExportsUnderAFixedJobName() throws IOException {
    String line = dryRun("schedule-evaluation", "--serviceAccount=" + SCHEDULER,
        "--trainDir=gs://train-bucket/runs/exp1", "--evalDataPattern=gs://my-bucket/v*.tfrecord",
        "--topK=20", "--featureNames=rgb,audio", "--jobName=nightly-eval").lines().get(1);
    JsonNode argument = JSON.readTree(JSON.readTree(flag(line, "--message-body"))
        .get("argument").asText());
    assertEquals("train-bucket", argument.get("bucket").asText());
    assertEquals("runs/exp1/", argument.get("trainDirPrefix").asText());
    JsonNode launch = argument.get("launch").get("launchParameter");
    assertEquals("nightly-eval", launch.get("jobName").asText());
    assertEquals("gs://my-bucket/templates/evaluation.json",
        launch.get("containerSpecGcsPath").asText());
    assertEquals(JSON.readTree("{\"trainDir\":\"gs://train-bucket/runs/exp1\","
        + "\"evalDataPattern\":\"gs://my-bucket/v*.tfrecord\",\"topK\":\"20\","
        + "\"featureNames\":\"rgb,audio\",\"onlyNew\":\"true\"}"), launch.get("parameters"));
  }

  /** The workflow reads the fields the script sends, and launches through the Dataflow API. */
  @Test
  void theGateWorkflowReadsTheArgumentTheSchedulerSends() throws IOException {
    String line = dryRun("schedule-evaluation", "--serviceAccount=" + SCHEDULER,
        "--trainDir=gs://my-bucket/train", "--evalDataPattern=gs://my-bucket/v*.tfrecord")
        .lines().get(1);
    JsonNode argument = JSON.readTree(JSON.readTree(flag(line, "--message-body"))
        .get("argument").asText());
    Set<String> sent = new TreeSet<>();
    argument.fieldNames().forEachRemaining(sent::add);

    String workflow = Checkout.read(ROOT.resolve("templates/evaluation/gate-workflow.yaml"));
    Map<String, Object> parsed = new Yaml().load(workflow);
    assertTrue(parsed.containsKey("main"), "a workflow starts at main");
    Set<String> read = new TreeSet<>();
    Matcher uses = Pattern.compile("args\\.([A-Za-z]+)").matcher(workflow);
    while (uses.find()) {
      read.add(uses.group(1));
    }
    assertEquals(sent, read);
    assertTrue(workflow.contains("call: googleapis.dataflow.v1b3.projects.locations."
        + "flexTemplates.launch"), "launches through the Dataflow connector");
    assertTrue(workflow.contains("\"model_flags.json\"") && workflow.contains("\"settled\""),
        "an export counts by model_flags.json, its evaluation by eval/NAME/settled");
  }

  /** docs/DATAFLOW.md's commands are ones the scripts take, with the guide's variables set. */
  @Test
  void everyScriptCommandInTheGuideIsAccepted() {
    String guide = Checkout.read(ROOT.resolve("docs/DATAFLOW.md"));
    Matcher block = Pattern.compile("(?ms)^```\\n(.*?)^```").matcher(guide);
    List<String> commands = new ArrayList<>();
    while (block.find()) {
      String joined = block.group(1).replace("\\\n", " ");
      joined.lines().filter(line -> scripts().anyMatch(s -> line.startsWith("scripts/" + s + " ")
          || line.equals("scripts/" + s))).forEach(commands::add);
    }
    assertTrue(commands.size() >= 7, "the guide's script commands: " + commands);
    Map<String, String> guideVariables = Map.of("PROJECT", "my-project", "REGION", "us-central1",
        "BUCKET", "gs://my-bucket", "WORKER_SA", "yt8m-worker@my-project.iam.gserviceaccount.com",
        "SCHEDULER_SA", SCHEDULER, "PATH", fakeBin + ":" + System.getenv("PATH"),
        "YT8M_FAKE_LOG", callLog.toString());
    for (String command : commands) {
      Checkout.Result result = Checkout.run(List.of("bash", "-c", command + " --dry-run"), ROOT,
          guideVariables);
      assertEquals(0, result.exitCode(), command + "\n" + result.describe());
    }
    assertEquals(List.of(), calls());
  }

  // ---- --help ---------------------------------------------------------------------------

  static Stream<String> scripts() {
    return Stream.of("build-templates", "run-inference", "run-evaluation", "run-prepare",
        "run-train", "schedule-evaluation");
  }

  @ParameterizedTest
  @MethodSource("scripts")
  void helpPrintsUsageAndEveryOption(String name) {
    Checkout.Result result = script(name, "--help");
    assertEquals(0, result.exitCode(), result.describe());
    String help = result.stdout();
    assertAll(
        () -> assertTrue(help.startsWith("usage: " + name + " "), help),
        () -> assertTrue(help.contains("\n  --dry-run "), "documents --dry-run:\n" + help),
        () -> assertTrue(help.contains("\n  --project=ID "), help),
        () -> assertTrue(help.contains("\n  --region=REGION "), help),
        () -> assertTrue(help.contains("\n  --bucket=gs://BUCKET "), help),
        () -> assertTrue(help.contains("PROJECT") && help.contains("REGION")
            && help.contains("BUCKET"), "names the environment variables"),
        () -> assertEquals("", result.stderr()),
        () -> assertEquals(List.of(), calls()));
  }

  /** run-* scripts forward exactly the parameters their template declares. */
  @ParameterizedTest
  @ValueSource(strings = {"inference", "evaluation", "prepare"})
  void runScriptsTakeExactlyTheTemplatesParameters(String template) throws IOException {
    Set<String> declared = TemplateMetadataTest.parameterNames(template);
    assertEquals(declared, pipelineParameters("run-" + template));
  }

  @Test
  void scheduleEvaluationTakesTheModelModeParametersOfTheEvaluationTemplate()
      throws IOException {
    Set<String> offered = pipelineParameters("schedule-evaluation");
    Set<String> declared = TemplateMetadataTest.parameterNames("evaluation");
    assertTrue(declared.containsAll(offered), "not in the template: " + offered);
    assertTrue(offered.containsAll(Set.of("trainDir", "evalDataPattern")), offered.toString());
    for (String set : List.of("onlyNew", "predictions", "outputDir")) {
      assertFalse(offered.contains(set), set + " is the scheduler's to set, not the user's");
    }
  }

  private Set<String> pipelineParameters(String name) {
    String help = script(name, "--help").stdout();
    int section = help.indexOf("\nPipeline parameters");
    assertTrue(section >= 0, name + " --help has no Pipeline parameters section");
    Set<String> names = new TreeSet<>();
    Matcher option = Pattern.compile("(?m)^  --([A-Za-z0-9]+)").matcher(help.substring(section));
    while (option.find()) {
      names.add(option.group(1));
    }
    names.remove("otherOption");
    return names;
  }

  /** run-train's own checks name options of the train command; the others pass through. */
  @Test
  void runTrainChecksOptionsTheTrainCommandHas() throws ReflectiveOperationException {
    Set<String> checked = pipelineParameters("run-train");
    assertEquals(Set.of("trainDataPattern", "trainDir", "model"), checked);
    Class<?> train = Class.forName("org.yt8m.pipelines.train.TrainOptions");
    for (String option : checked) {
      train.getMethod("get" + Character.toUpperCase(option.charAt(0)) + option.substring(1));
    }
  }

  // ---- Every value is checked ---------------------------------------------------------

  static Stream<Arguments> hostileValues() {
    String marker = "/tmp/yt8m-ops-test-pwned";
    List<String> inference = List.of("--inputDataPattern=gs://my-bucket/t*.tfrecord",
        "--outputFile=gs://my-bucket/p.csv", "--trainDir=gs://my-bucket/train");
    return Stream.of(
        Arguments.of("run-inference", inference, "--outputFile", "gs://my-bucket/p'.csv"),
        Arguments.of("run-inference", inference, "--outputFile", "gs://my-bucket/a b.csv"),
        Arguments.of("run-inference", inference, "--outputFile",
            "gs://my-bucket/p.csv;touch " + marker),
        Arguments.of("run-inference", inference, "--outputFile",
            "gs://my-bucket/$(touch " + marker + ")"),
        Arguments.of("run-inference", inference, "--outputFile", "gs://my-bucket/`touch x`"),
        Arguments.of("run-inference", inference, "--outputFile", "gs://my-bucket/p.csv\nid"),
        Arguments.of("run-inference", inference, "--outputFile", "gs://my-bucket/a~b"),
        Arguments.of("run-inference", inference, "--outputFile", "/local/predictions.csv"),
        Arguments.of("run-inference", inference, "--jobName", "job; touch " + marker),
        Arguments.of("run-inference", inference, "--gpuType", "nvidia-tesla-t4;count:8"),
        Arguments.of("run-inference", inference, "--serviceAccount",
            "a\"@my-project.iam.gserviceaccount.com"),
        Arguments.of("run-inference", inference, "--topK", "20 --maxWorkers=1000"),
        Arguments.of("run-evaluation", List.of("--evalDataPattern=gs://my-bucket/v"),
            "--trainDir", "gs://my-bucket/train'"),
        Arguments.of("run-prepare", List.of("--trainDataPattern=gs://my-bucket/t",
            "--outputDir=gs://my-bucket/o"), "--featureNames", "rgb;audio"),
        Arguments.of("run-train", List.of("--trainDataPattern=gs://my-bucket/t",
            "--trainDir=gs://my-bucket/o"), "--learningRate", "0.1 --x"),
        Arguments.of("run-train", List.of("--trainDataPattern=gs://my-bucket/t",
            "--trainDir=gs://my-bucket/o"), "--model", "MoeModel'"),
        Arguments.of("schedule-evaluation", List.of("--serviceAccount=" + SCHEDULER,
            "--trainDir=gs://my-bucket/train", "--evalDataPattern=gs://my-bucket/v"),
            "--schedule", "0 * * * *; touch " + marker),
        Arguments.of("schedule-evaluation", List.of("--serviceAccount=" + SCHEDULER,
            "--trainDir=gs://my-bucket/train", "--evalDataPattern=gs://my-bucket/v"),
            "--timeZone", "Etc/UTC\" --x"),
        Arguments.of("build-templates", List.of(), "--tag", "v1 --push"),
        Arguments.of("build-templates", List.of(), "--repository", "yt8m/../../other"));
  }

  @ParameterizedTest(name = "{0} {2}={3}")
  @MethodSource("hostileValues")
  void aValueThatCouldBecomeAnotherWordIsRefused(String name, List<String> valid, String option,
      String value) {
    List<String> args = new ArrayList<>(CLOUD);
    valid.stream().filter(arg -> !arg.startsWith(option + "=")).forEach(args::add);
    args.add(option + "=" + value);
    Checkout.Result result = script(Map.of(), name, args);
    assertAll(
        () -> assertEquals(2, result.exitCode(), result.describe()),
        () -> assertTrue(result.stderr().startsWith(name + ": error: " + option + "="),
            result.stderr()),
        () -> assertTrue(result.stderr().contains("See '" + name + " --help'."), result.stderr()),
        () -> assertEquals("", result.stdout()),
        () -> assertEquals(List.of(), calls(), "nothing may run"),
        () -> assertFalse(Files.exists(Path.of("/tmp/yt8m-ops-test-pwned")), "command ran"));
  }

  @Test
  void hostileEnvironmentAndOptionNamesAreRefusedToo() {
    List<String> args = List.of("--evalDataPattern=gs://my-bucket/v", "--trainDir=gs://b1/t",
        "--region=us-central1", "--bucket=gs://my-bucket");
    Checkout.Result project = script(Map.of("PROJECT", "my-project;id"), "run-evaluation", args);
    assertEquals(2, project.exitCode(), project.describe());
    assertTrue(project.stderr().contains("PROJECT="), project.stderr());

    List<String> named = new ArrayList<>(CLOUD);
    named.addAll(List.of("--evalDataPattern=gs://my-bucket/v", "--trainDir=gs://b1/t",
        "--$(touch /tmp/yt8m-ops-test-pwned)=x"));
    Checkout.Result option = script(Map.of(), "run-evaluation", named);
    assertEquals(2, option.exitCode(), option.describe());
    assertTrue(option.stderr().contains("unknown option"), option.stderr());
    assertFalse(Files.exists(Path.of("/tmp/yt8m-ops-test-pwned")));
    assertEquals(List.of(), calls());
  }

  @Test
  void missingRequiredOptionsAreNamed() {
    Checkout.Result result = script("run-inference", "--region=us-central1");
    assertEquals(2, result.exitCode(), result.describe());
    assertTrue(result.stderr().contains(
        "missing --project --bucket --inputDataPattern --outputFile"), result.stderr());
    Checkout.Result model = script(Map.of(), "run-inference", Stream.concat(CLOUD.stream(),
        Stream.of("--inputDataPattern=gs://my-bucket/t", "--outputFile=gs://my-bucket/p.csv"))
        .toList());
    assertEquals(2, model.exitCode(), model.describe());
    assertTrue(model.stderr().contains("one of --trainDir --modelDir --inputModelTgz is required"),
        model.stderr());
  }

  @Test
  void unknownOptionsAndRepeatedOptionsAreErrors() {
    List<String> args = new ArrayList<>(CLOUD);
    args.addAll(List.of("--trainDataPattern=gs://my-bucket/t", "--outputDir=gs://my-bucket/o",
        "--numShard=8"));
    Checkout.Result unknown = script(Map.of(), "run-prepare", args);
    assertEquals(2, unknown.exitCode(), unknown.describe());
    assertTrue(unknown.stderr().contains("unknown option --numShard"), unknown.stderr());

    args.set(args.size() - 1, "--outputDir=gs://my-bucket/other");
    Checkout.Result twice = script(Map.of(), "run-prepare", args);
    assertEquals(2, twice.exitCode(), twice.describe());
    assertTrue(twice.stderr().contains("--outputDir is given twice"), twice.stderr());
  }

  // ---- The images run the templates' main classes -------------------------------------

  /** Each launcher image's FLEX_TEMPLATE_JAVA_MAIN_CLASS is a class with a main method. */
  @Test
  void launcherImagesRunMainClassesThatExist() {
    String build = dryRun("build-templates").stdout();
    Matcher launcher = Pattern.compile("--build-arg=MAIN_CLASS=(\\S+) --tag=\\S+/launcher-(\\w+):")
        .matcher(build);
    Map<String, String> mains = new LinkedHashMap<>();
    while (launcher.find()) {
      mains.put(launcher.group(2), launcher.group(1));
    }
    assertEquals(Set.of("inference", "evaluation", "prepare"), mains.keySet());
    assertAll(mains.entrySet().stream().map(entry -> (Executable) () -> {
      Class<?> main;
      try {
        main = Class.forName(entry.getValue());
      } catch (ClassNotFoundException e) {
        fail("the " + entry.getKey() + " template runs " + entry.getValue()
            + ", which does not exist (yet?)");
        return;
      }
      Method method = main.getMethod("main", String[].class);
      assertTrue(Modifier.isStatic(method.getModifiers())
          && Modifier.isPublic(method.getModifiers()), entry.getValue() + ".main");
    }));
  }
}
