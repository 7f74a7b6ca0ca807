import { Duration } from 'cdk8s';
import { DEADLINE_MARGIN_SECONDS } from './_soak-script';
import { assertWholeNumber, INT32_MAX, wholeSeconds } from './_validate';

/**
 * How long a soak test runs and with how many virtual users.
 */
export class SoakProfile {
  /** 1 hour with 10 virtual users: a quick check before a release. */
  public static readonly QUICK = new SoakProfile('quick', Duration.hours(1), 10);

  /** 4 hours with 25 virtual users: a staging soak under more load. */
  public static readonly STAGING = new SoakProfile('staging', Duration.hours(4), 25);

  /** 24 hours with 10 virtual users: slow leaks show only over a day. */
  public static readonly PRODUCTION = new SoakProfile('production', Duration.hours(24), 10);

  /**
   * Whole seconds of at least one minute, and a whole number of virtual users of at least 1.
   *
   * The duration plus the SoakJob's gracefulStop and 10 minutes becomes the Job's
   * `activeDeadlineSeconds`, an int32: the duration stays below 2147483647 - 600 seconds (68 years).
   *
   * @param duration how long the load runs
   * @param vus concurrent virtual users (int32, as the TestRun's parallelism that splits them)
   */
  public static custom(duration: Duration, vus: number): SoakProfile {
    assertWholeNumber('vus', vus, 1);
    wholeSeconds('duration', duration, 60, INT32_MAX - DEADLINE_MARGIN_SECONDS,
      ' (the run is split into early, steady and late windows; duration + gracefulStop + 10 minutes is an int32 deadline)');
    return new SoakProfile('custom', duration, vus);
  }

  private constructor(
    /** Name shown in the summary: quick, staging, production or custom. */
    public readonly name: string,
    /** How long the load runs. */
    public readonly duration: Duration,
    /** Concurrent virtual users. */
    public readonly vus: number,
  ) {}
}
