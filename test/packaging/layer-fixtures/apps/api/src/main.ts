import '@app/deliveries';
import '@app/master-data';
