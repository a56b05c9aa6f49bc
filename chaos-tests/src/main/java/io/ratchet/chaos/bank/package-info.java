/** The chaos suite's business service: a bank on H2 whose every branch runs behind the branch barrier. */
package io.ratchet.chaos.bank;
