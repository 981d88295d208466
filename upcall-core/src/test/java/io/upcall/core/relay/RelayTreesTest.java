package io.upcall.core.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Seeding relay trees away from the dispatch thread, with scans that the test drives. */
class RelayTreesTest {
    private final List<Runnable> reseeds = new ArrayList<>();
    private Runnable duringScan = () -> {};
    /** 1 is the parent of 100, 100 of 101; what a scan of {@code /proc} finds, after {@link #duringScan} ran. */
    private Map<Integer, List<Integer>> snapshot = Map.of(1, List.of(100), 100, List.of(101));

    private final Supplier<Map<Integer, List<Integer>>> scanner = () -> {
        Map<Integer, List<Integer>> seen = snapshot;
        duringScan.run();
        return seen;
    };
    private final RelayTrees trees = new RelayTrees(scanner, reseeds::add);

    @Test
    void aTreeIsSeededWhenAddedSoItsFirstEventIsJudgedRight() {
        TreeMembers tree = new TreeMembers(100);
        trees.add(tree);
        assertThat(trees.contains(tree, 101)).isTrue();
        assertThat(trees.contains(tree, 1)).isFalse();
    }

    @Test
    void forksAndExitsWhileTheScanRunsAreAppliedOnTopOfIt() {
        TreeMembers tree = new TreeMembers(100);
        duringScan = () -> {
            trees.forked(101, 102); // born after the scan read /proc: not in its snapshot
            trees.exited(101);      // gone after the scan read /proc: still in its snapshot
        };
        trees.add(tree);
        assertThat(trees.contains(tree, 102)).isTrue();
        assertThat(trees.contains(tree, 101)).isFalse();
    }

    @Test
    void aLossRescansEveryTreeOnceOnTheReseederNotTheCaller() {
        TreeMembers a = new TreeMembers(100);
        TreeMembers b = new TreeMembers(1);
        trees.add(a);
        trees.add(b);
        snapshot = Map.of(1, List.of(100, 200), 100, List.of(101, 300)); // 200 and 300 were born during a loss
        trees.reseedAll();
        trees.reseedAll();
        assertThat(reseeds).hasSize(1);
        assertThat(trees.contains(a, 300)).isFalse();
        reseeds.removeFirst().run();
        assertThat(trees.contains(a, 300)).isTrue();
        assertThat(trees.contains(b, 200)).isTrue();
        trees.reseedAll();
        assertThat(reseeds).hasSize(1); // a later loss asks again
    }

    @Test
    void aTreeRemovedDuringAScanIsNotFollowedAgain() {
        TreeMembers tree = new TreeMembers(100);
        trees.add(tree);
        trees.reseedAll();
        duringScan = () -> trees.remove(tree);
        reseeds.removeFirst().run();
        trees.forked(101, 102);
        assertThat(trees.contains(tree, 102)).isFalse(); // no longer kept by forks
        trees.reseedAll();
        assertThat(reseeds).isEmpty();
    }
}
